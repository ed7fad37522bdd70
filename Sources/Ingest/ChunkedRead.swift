import CSVReading

extension ChunkedReading where Part == RowBatch {
    /// Chunks of a UTF-8 file decoded into row batches by `decoder`.
    init(path: String, fileBytes: Int, chunkBytes: Int, decoder: RowDecoder) {
        self.init(path: path, fileBytes: fileBytes, chunkBytes: chunkBytes) { start, stopAfter in
            var batch = RowBatch(decoder: decoder)
            let end = try CSVFileReader.readRaw(path: path, encoding: .utf8, range: start..<fileBytes, stopAfter: stopAfter) { record in
                if !record.isBlank { decoder.decode(record, into: &batch) }
            }
            return (batch, end)
        }
    }
}
