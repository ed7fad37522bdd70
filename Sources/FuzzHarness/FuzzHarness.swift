// Placeholder: the libFuzzer harness is being written.
@main struct FuzzHarness { static func main() {} }
