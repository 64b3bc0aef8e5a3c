//! CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR), the
//! checksum EMVCo's tag 63 carries. Written out here (a dozen lines) rather than taken
//! from a crate: no CRC crate is in the dependency tree, and this one variant is all the
//! format needs.

/// The CRC-16/CCITT-FALSE of `bytes`.
pub(crate) fn crc16_ccitt_false(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The four upper-case hexadecimal digits tag 63 carries.
pub(crate) fn crc_text(bytes: &[u8]) -> String {
    format!("{:04X}", crc16_ccitt_false(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_check_value() {
        // The check value of CRC-16/CCITT-FALSE (CRC RevEng catalogue) over "123456789".
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
        assert_eq!(crc_text(b"123456789"), "29B1");
    }
}
