import Corpus
import Foundation
import Tokenizers
import TransformerEngine

/// The corpus of a recipe, ready to train on: generated documents, the BPE tokenizer learned
/// from them (with every lexicon word forced to one token), and the packed rows.
public struct TrainingCorpus {
  public let tokenizer: BPETokenizer
  public let training: TokenBatches
  public let heldOut: TokenBatches
  public let documentCount: Int
  public let tokenCount: Int

  /// Rows held out of training for the validation loss (at most a tenth of the rows).
  public static let heldOutRows = 256

  /// Generates the corpus, trains the tokenizer, tokenizes and packs. `log` receives one line per
  /// stage.
  public static func prepare(_ recipe: Recipe, log: (String) -> Void) throws -> TrainingCorpus {
    let c = recipe.corpus
    var generator = CorpusGenerator(seed: c.seed, mix: CorpusMix(ioi: c.ioi, successor: c.successor, repeatedSpan: c.repeatedSpan, story: c.story))
    let start = Date()
    let documents = generator.documents(count: c.documents)
    log(String(format: "corpus: %d documents generated in %.1f s", documents.count, Date().timeIntervalSince(start)))

    let tokenizerStart = Date()
    let tokenizer: BPETokenizer
    if let directory = recipe.tokenizer.directory {
      tokenizer = try BPETokenizer.load(directory: URL(fileURLWithPath: directory))
      log("tokenizer: \(tokenizer.vocabularySize) entries from \(directory)")
    } else {
      tokenizer = try BPETrainer.train(
        texts: Array(documents.prefix(recipe.tokenizer.trainingDocuments)),
        vocabularySize: recipe.tokenizer.vocabularySize,
        requiredTokens: Lexicon.requiredSingleTokens)
      log(String(format: "tokenizer: %d entries learned in %.1f s", tokenizer.vocabularySize, Date().timeIntervalSince(tokenizerStart)))
    }

    let encodeStart = Date()
    let encoded = try documents.enumerated().map { index, document in
      do { return try tokenizer.encodeStrict(document) } catch let error as UnrepresentableTextError {
        throw RecipeError.invalid("corpus document \(index) (\(document.prefix(40))...): \(error)")
      }
    }
    let tokenCount = encoded.reduce(0) { $0 + $1.count }
    guard let bos = tokenizer.endOfTextID else { throw RecipeError.invalid("the trained tokenizer has no <|endoftext|>") }
    let rows = TokenBatches(documents: encoded, rowLength: recipe.training.sequenceLength + 1, bos: bos,
                            vocabularySize: tokenizer.vocabularySize)
    let (training, heldOut) = rows.split(holdingOut: min(heldOutRows, rows.rowCount / 10))
    log(String(format: "tokens: %d in %d training rows (+%d held out), encoded in %.1f s",
               tokenCount, training.rowCount, heldOut.rowCount, Date().timeIntervalSince(encodeStart)))
    return TrainingCorpus(tokenizer: tokenizer, training: training, heldOut: heldOut,
                          documentCount: documents.count, tokenCount: tokenCount)
  }
}
