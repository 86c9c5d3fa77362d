import Foundation

/// The UTF-8 text of a user's file (a dataset, a relation), or an error naming it: `what` says
/// what the file is ("dataset file", "relation file").
func datasetFileText(_ url: URL, what: String) throws -> String {
  let data: Data
  do { data = try Data(contentsOf: url) } catch {
    throw AnalysisError.invalidArgument("cannot read the \(what) \(url.path): \(error.localizedDescription)")
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw AnalysisError.badDatasetFile(path: url.path, line: 1, message: "the file is not UTF-8 text")
  }
  return text
}
