//! Readers nobody here wrote, for the tests that check our codes with them: ZXing
//! (zxing-cpp's Python module) and zbar (`zbarimg`) read a QR code's PNG, and the npm
//! package `vietnam-qr-pay` reads a VietQR text field by field. `scripts/test.sh` installs
//! them; a missing one fails the test with what to install, never skips it.

use std::path::Path;
use std::process::Command;

/// Runs a decoder; one that is not installed, or fails, fails the test with what to
/// install.
fn run_decoder(program: &str, args: &[&str], install: &str) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("{program} cannot run ({error}); install it: {install} (scripts/test.sh does)")
        });
    assert!(
        output.status.success(),
        "{program} failed ({}): {}; install: {install}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("decoder output is UTF-8")
}

/// The text of the one QR code in the PNG at `png`, as ZXing reads it.
pub fn zxing_decode(png: &Path) -> String {
    let script = "import sys, zxingcpp\n\
                  from PIL import Image\n\
                  found = zxingcpp.read_barcodes(Image.open(sys.argv[1]), formats=zxingcpp.BarcodeFormat.QRCode)\n\
                  assert len(found) == 1, f'{len(found)} codes'\n\
                  print(found[0].text, end='')";
    run_decoder(
        "python3",
        &["-c", script, png.to_str().expect("path")],
        "pip install zxing-cpp==3.1.1 pillow==11.3.0",
    )
}

/// The text of the QR code in the PNG at `png`, as zbar reads it.
pub fn zbar_decode(png: &Path) -> String {
    let text = run_decoder(
        "zbarimg",
        &["--quiet", "--raw", png.to_str().expect("path")],
        "apt-get install zbar-tools",
    );
    text.trim_end_matches('\n').to_owned()
}

/// `text` as the npm package `vietnam-qr-pay` reads it (tests/vietqr-parser/parse.js), as
/// JSON.
pub fn vietqr_parse(text: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("vietqr-parser/parse.js");
    let output = run_decoder(
        "node",
        &[script.to_str().expect("path"), text],
        "npm ci --prefix tests/vietqr-parser",
    );
    serde_json::from_str(&output).expect("parse.js prints JSON")
}
