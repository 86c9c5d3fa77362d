import Foundation
import TransformerEngine

/// The model headlab opens when no --model is given.
enum EmbeddedModel {
  static func directory() throws -> ModelDirectory {
    guard let url = DefaultModel.directory else {
      throw CheckpointError.modelNotFound(reference: "(embedded default model)", searched: ["the HeadLab_TransformerEngine.resources folder beside the headlab binary", "the source tree"])
    }
    return ModelDirectory(url: url)
  }
}
