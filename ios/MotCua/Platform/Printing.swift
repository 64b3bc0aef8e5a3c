import SwiftUI
import UIKit

/// Prints the receipt slip (an image rendered from the same view as on screen) or a hand-off with
/// AirPrint, for citizens who want it on paper.
@MainActor
enum Printing {
    static var isAvailable: Bool {
        UIPrintInteractionController.isPrintingAvailable
    }

    static func print(_ image: UIImage, jobName: String) {
        let info = UIPrintInfo(dictionary: nil)
        info.outputType = .general
        info.jobName = jobName
        let controller = UIPrintInteractionController.shared
        controller.printInfo = info
        controller.printFormatter = nil
        controller.printingItem = image
        controller.present(animated: true, completionHandler: nil)
    }

    /// Prints plain text (an assisted citizen's hand-off: code, appointment, how to look
    /// the dossier up).
    static func print(text: String, jobName: String) {
        let info = UIPrintInfo(dictionary: nil)
        info.outputType = .general
        info.jobName = jobName
        let formatter = UISimpleTextPrintFormatter(text: text)
        formatter.perPageContentInsets = UIEdgeInsets(top: 72, left: 72, bottom: 72, right: 72)
        let controller = UIPrintInteractionController.shared
        controller.printInfo = info
        controller.printingItem = nil
        controller.printFormatter = formatter
        controller.present(animated: true, completionHandler: nil)
    }
}
