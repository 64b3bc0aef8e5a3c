import SwiftUI
import UIKit

/// Prints the receipt slip (an image rendered from the same view as on screen) with
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
        controller.printingItem = image
        controller.present(animated: true, completionHandler: nil)
    }
}
