import Foundation

/// JSON output with sorted keys; non-finite floats (masked attention scores are -inf) as strings.
enum JSONOutput {
  static func encode<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}

/// A short text preview of a tensor: first values and summary statistics.
enum TensorPreview {
  static func describe(values: [Float], shape: [Int], limit: Int = 8) -> String {
    let finite = values.filter { $0.isFinite }
    let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Float(finite.count)
    let head = values.prefix(limit).map { String(format: "%.5g", $0) }.joined(separator: ", ")
    return String(format: "  [%@%@]  min %.5g  max %.5g  mean %.5g", head, values.count > limit ? ", …" : "",
                  finite.min() ?? 0, finite.max() ?? 0, mean)
  }
}
