import ArgumentParser
import Foundation
import TransformerEngine
import WorkbenchCore

struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Describe a model: architecture, parameters, dtype, files.")

  @OptionGroup var modelOptions: ModelOptions

  @Flag(name: .long, help: "Print JSON.")
  var json = false

  struct Report: Encodable {
    let directory: String
    let config: ModelConfig
    let parameters: Int
    let dtypes: [String: Int]
    let files: [String]
    let bytesOnDisk: Int
    let droppedTensors: [String]
    let tokenizerVocabulary: Int
  }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let c = loaded.model.config
      let report = Report(
        directory: loaded.directory.url.path, config: c, parameters: c.parameterCount,
        dtypes: loaded.report.dtypes, files: loaded.report.files.map(\.lastPathComponent),
        bytesOnDisk: loaded.report.bytesOnDisk, droppedTensors: loaded.report.droppedTensors,
        tokenizerVocabulary: loaded.tokenizer.vocabularySize)
      if json { print(try JSONOutput.encode(report)); return }
      print(ModelSummary.text(loaded))
    }
  }
}

enum ModelSummary {
  static func text(_ loaded: WorkbenchModel) -> String {
    let c = loaded.model.config
    let dtypes = loaded.report.dtypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
    return """
      model       \(loaded.directory.url.path)
      family      \(c.family): \(c.layers) layers, \(c.heads) heads of \(c.headDim), d_model \(c.modelDim), MLP \(c.mlpDim) (\(c.activation.rawValue))
      context     \(c.contextLength) positions, vocabulary \(c.vocabularySize), \(c.tiedEmbeddings ? "tied" : "untied") embeddings, LayerNorm eps \(c.normEpsilon)
      parameters  \(c.parameterCount.formatted()) (\(String(format: "%.1f", Double(c.parameterCount) * 4 / 1_048_576)) MiB as F32)
      dtype       \(dtypes)
      files       \(loaded.report.files.map(\.lastPathComponent).joined(separator: ", ")) (\(String(format: "%.1f", Double(loaded.report.bytesOnDisk) / 1_048_576)) MiB)
      tokenizer   \(loaded.tokenizer.vocabularySize) entries
      """
  }
}
