import Foundation
import Tokenizers

extension PromptDataset {
  /// The names `named(_:…)` knows besides a JSONL file path.
  public static let builtInNames = ["ioi", "successor", "induction"]

  /// A built-in dataset by name (`ioi`, `successor`, `induction`) or a JSONL file of
  /// {"clean", "corrupted", "answer", "wrong"} lines.
  public static func named(
    _ name: String, count: Int, seed: UInt64, ioiOrder: String = "mixed", ioiCorruption: String = "abc", tokenizer: BPETokenizer
  ) throws -> PromptDataset {
    switch name {
    case "ioi":
      guard let order = IOIDataset.Order(rawValue: ioiOrder) else {
        throw AnalysisError.unknownName(kind: "IOI order", name: ioiOrder, known: IOIDataset.Order.allCases.map(\.rawValue))
      }
      guard let corruption = IOIDataset.Corruption(rawValue: ioiCorruption) else {
        throw AnalysisError.unknownName(kind: "IOI corruption", name: ioiCorruption, known: IOIDataset.Corruption.allCases.map(\.rawValue))
      }
      return try IOIDataset(count: count, seed: seed, order: order, corruption: corruption).build(tokenizer: tokenizer)
    case "successor": return try SuccessorDataset(count: count, seed: seed).build(tokenizer: tokenizer)
    case "induction": return try InductionDataset(count: count, seed: seed).build(tokenizer: tokenizer)
    default:
      let url = URL(fileURLWithPath: name)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw AnalysisError.unknownName(kind: "dataset (and no such file)", name: name, known: builtInNames + ["a JSONL file"])
      }
      return try UserPairsFile.read(url, tokenizer: tokenizer)
    }
  }
}
