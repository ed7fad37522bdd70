/// RFC 4180 minimal quoting, done once per distinct value and kept as bytes.
enum CSVField {
    static func encode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return bytes }
        var quoted: [UInt8] = [0x22]
        for byte in bytes {
            if byte == 0x22 { quoted.append(0x22) }
            quoted.append(byte)
        }
        quoted.append(0x22)
        return quoted
    }
}
