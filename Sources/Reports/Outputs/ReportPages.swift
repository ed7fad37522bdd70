/// The pages: `index`, one per dataset present and one per district, as Markdown and HTML
/// from one report model (`ReportRenderer`), rendered on up to `jobs` threads.
public struct ReportPages: OutputWriter {
    public let jobs: Int

    public init(jobs: Int = 1) {
        self.jobs = jobs
    }

    public func write(_ input: ReportInput, to sink: some OutputSink) throws {
        for document in ReportRenderer.render(input, jobs: jobs) {
            try sink.write(document.path) { try $0(document.contents) }
        }
    }
}
