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

/// Top-k selection and log-softmax over a plain float vector.
enum TopK {
  static func largest(_ values: [Float], k: Int) -> [(index: Int, value: Float)] {
    Array(values.enumerated().map { (index: $0.offset, value: $0.element) }
      .sorted { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }.prefix(k))
  }

  static func logSoftmax(_ values: [Float]) -> [Float] {
    let m = values.max() ?? 0
    let total = values.reduce(0.0) { $0 + exp(Double($1 - m)) }
    let logTotal = Float(log(total)) + m
    return values.map { $0 - logTotal }
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
