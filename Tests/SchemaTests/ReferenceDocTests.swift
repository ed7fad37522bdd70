import Foundation
import Schema
import Testing
import TestSupport

/// docs/reference.md is the user's manual of the interface: every key the config reader
/// accepts and every canonical column must be in it.
@Suite struct ReferenceDocTests {
    static let reference = (try? String(contentsOfFile: repositoryRoot() + "/docs/reference.md", encoding: .utf8)) ?? ""

    @Test func everyConfigKeyIsDocumented() {
        #expect(!Self.reference.isEmpty)
        for (section, keys) in GovStatsConfig.acceptedKeys {
            for key in keys {
                #expect(Self.reference.contains("`\(key)`"), "the key \(key) (\(section)) is not in docs/reference.md")
            }
        }
    }

    @Test func everyColumnIsDocumented() {
        let declared = [
            Dataset.declaredEvents(name: "x", title: Words(zh: "x", en: "x"), metrics: [], settings: DatasetSettings()),
            Dataset.declaredAssessments(name: "y", title: Words(zh: "y", en: "y"), settings: DatasetSettings()),
        ]
        for dataset in Dataset.builtIn + declared {
            for column in dataset.columns {
                #expect(Self.reference.contains("`\(column.name)`"), "the column \(column.name) of \(dataset.name) is not in docs/reference.md")
                for alias in column.aliases {
                    #expect(Self.reference.contains(alias), "the alias \(alias) of \(dataset.name).\(column.name) is not in docs/reference.md")
                }
            }
        }
    }
}

/// The code and the tests point to documents of this repository only.
@Suite struct NoOutsideDocumentsTests {
    @Test func sourcesAndTestsNameNoDocumentOutsideTheRepository() throws {
        let needles = ["DATA_" + "CONTRACT", "../" + "shared", "shared/" + "STYLE"]
        let root = repositoryRoot()
        let files = FileManager.default.enumerator(atPath: root + "/Sources")!.compactMap { $0 as? String }.map { "Sources/" + $0 }
            + FileManager.default.enumerator(atPath: root + "/Tests")!.compactMap { $0 as? String }.map { "Tests/" + $0 }
        for file in files where file.hasSuffix(".swift") || file.hasSuffix(".py") || file.hasSuffix(".sh") || file.hasSuffix(".md") || file.hasSuffix(".c") {
            guard let text = try? String(contentsOfFile: root + "/" + file, encoding: .utf8) else { continue }
            for needle in needles {
                #expect(!text.contains(needle), "\(file) names \(needle)")
            }
        }
    }
}
