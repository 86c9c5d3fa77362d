import Corpus
import XCTest

final class ZZSampleTests: XCTestCase {
  func testPrintSamples() {
    var g = CorpusGenerator(seed: 1)
    for kind in CorpusKind.allCases {
      for _ in 0..<6 { print("[\(kind)] " + g.nextDocument(of: kind)) }
    }
    for p in CorpusGenerator.ioiPrompts(count: 3, order: .abba, seed: 1) { print(p) }
    for p in CorpusGenerator.ioiPrompts(count: 3, order: .baba, seed: 1, templates: .heldOut) { print(p) }
    for k in SuccessorKind.allCases { for p in CorpusGenerator.successorPrompts(kind: k, count: 2, seed: 3) { print(p) } }
  }
}
