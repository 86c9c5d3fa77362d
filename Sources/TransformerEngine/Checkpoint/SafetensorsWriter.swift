import Foundation

/// Writes safetensors files, atomically: the bytes go to a temporary file in the same directory,
/// which is renamed over the destination only once complete, so a crash or full disk never leaves
/// a half-written checkpoint in place of a good one.
public enum SafetensorsWriter {
  public struct Item {
    public let name: String
    public let tensor: Tensor
    public let dtype: DType
    public init(_ name: String, _ tensor: Tensor, dtype: DType = .f32) {
      self.name = name
      self.tensor = tensor
      self.dtype = dtype
    }
  }

  /// The complete file contents: header (padded with spaces to 8 bytes) and data, tensors in
  /// the given order.
  public static func encode(_ items: [Item], metadata: [String: String] = [:]) throws -> Data {
    var header: [String: Any] = [:]
    var offset = 0
    for item in items {
      let bytes = item.tensor.count * item.dtype.byteSize
      header[item.name] = ["dtype": item.dtype.rawValue, "shape": item.tensor.shape, "data_offsets": [offset, offset + bytes]]
      offset += bytes
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var data = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(json)
    for item in items { data.append(contentsOf: item.dtype.encode(item.tensor.values)) }
    return data
  }

  public static func write(_ items: [Item], metadata: [String: String] = [:], to url: URL) throws {
    try AtomicFile.write(encode(items, metadata: metadata), to: url)
  }
}

/// Atomic replacement of a file's contents (write to a sibling temporary file, fsync, rename).
public enum AtomicFile {
  public static func write(_ data: Data, to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    func fail(_ reason: String) -> CheckpointError { .unwritable(file: url.path, reason: reason) }
    do {
      guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: temporary.path) else {
        throw fail("cannot create \(temporary.lastPathComponent) in \(directory.path)")
      }
      do {
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
      } catch {
        try? handle.close()
        throw fail(error.localizedDescription)
      }
      if rename(temporary.path, url.path) != 0 {
        throw fail("cannot rename into place: \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }
}
