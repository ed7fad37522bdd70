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
                // The aliases stand in the last cell of the column's rows: `| `name` | … | 区, 所属区 |`.
                let listed = Set(Self.reference.split(separator: "\n").filter { $0.hasPrefix("| `\(column.name)` |") }.flatMap { row in
                    row.split(separator: "|").last!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                })
                for alias in column.aliases {
                    #expect(listed.contains(alias), "the alias \(alias) of \(dataset.name).\(column.name) is not in docs/reference.md")
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
        let files = listFiles(root + "/Sources").map { "Sources/" + $0 } + listFiles(root + "/Tests").map { "Tests/" + $0 }
        #expect(files.contains("Tests/SchemaTests/ReferenceDocTests.swift"))
        for file in files where file.hasSuffix(".swift") || file.hasSuffix(".py") || file.hasSuffix(".sh") || file.hasSuffix(".md") || file.hasSuffix(".c") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for needle in needles {
                #expect(!text.contains(needle), "\(file) names \(needle)")
            }
        }
    }
}
