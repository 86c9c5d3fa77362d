import Foundation
import TransformerEngine

/// The model headlab opens when no --model is given.
enum EmbeddedModel {
  static func directory() throws -> ModelDirectory {
    throw CheckpointError.modelNotFound(reference: "(embedded default model)", searched: ["this build has none yet; pass --model DIR"])
  }
}
