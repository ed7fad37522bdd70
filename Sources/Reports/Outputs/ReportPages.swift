/// The pages: `index`, one per dataset present and one per district, as Markdown and HTML
/// from one report model (`ReportRenderer`), rendered on up to `jobs` threads.
public struct ReportPages: OutputWriter {
    public let jobs: Int

    public init(jobs: Int = 1) {
        self.jobs = jobs
    }

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        // Each page's files written as soon as it is made, on the thread that made it.
        try ReportRenderer.forEachPage(input, jobs: jobs) { documents in
            for document in documents { try sink.write(document.path) { try $0(document.contents) } }
        }
    }
}
