import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}}` plus an
/// optional `__metadata__`, then the tensor bytes. Opening reads and validates the header only;
/// tensors are read on demand with `pread`, straight into the caller's buffer, so loading never
/// holds two copies of the weights.
///
/// Validation treats the file as hostile: header length within the file and at most 100 MB,
/// known dtypes, sizes matching shapes, offsets within the data section and not overlapping.
public struct SafetensorsFile: Sendable {
  public struct Entry: Sendable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Byte range within the data section (after the header).
    public let range: Range<Int>
    public var count: Int { shape.reduce(1, *) }
  }

  public static let maxHeaderBytes = 100 * 1024 * 1024

  public let url: URL
  public let entries: [String: Entry]
  public let metadata: [String: String]
  /// Size of the file in bytes: of the file itself when `url` is a symbolic link (as every file
  /// of a Hugging Face cache snapshot is), never of the link.
  public let byteCount: Int
  let dataStart: Int

  public var names: [String] { entries.keys.sorted() }

  public init(url: URL) throws {
    self.url = url
    let path = url.path
    guard let handle = FileHandle(forReadingAtPath: path) else {
      try LinkedFile.checkNotDangling(url)
      throw CheckpointError.unreadable(file: path, reason: "no such file or no permission")
    }
    defer { try? handle.close() }
    // fstat of the open descriptor sizes the file that was opened, through any symbolic links.
    var status = stat()
    guard fstat(handle.fileDescriptor, &status) == 0 else {
      throw CheckpointError.unreadable(file: path, reason: String(cString: strerror(errno)))
    }
    let fileSize = Int(status.st_size)
    guard let lengthBytes = try handle.read(upToCount: 8), lengthBytes.count == 8 else {
      throw CheckpointError.badHeader(file: path, reason: "file is \(fileSize) bytes, shorter than the 8-byte header length")
    }
    let claimed = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    if claimed > UInt64(Self.maxHeaderBytes) {
      throw CheckpointError.badHeader(file: path, reason: "header claims \(claimed) bytes, over the 100 MB limit")
    }
    let headerLength = Int(claimed)
    if 8 + headerLength > fileSize {
      throw CheckpointError.badHeader(file: path, reason: "header claims \(headerLength) bytes but the file has only \(fileSize - 8) after the length field (truncated?)")
    }
    let headerData = try handle.read(upToCount: headerLength) ?? Data()
    guard headerData.count == headerLength else {
      throw CheckpointError.badHeader(file: path, reason: "could read only \(headerData.count) of \(headerLength) header bytes")
    }
    let dataSize = fileSize - 8 - headerLength
    let header: SafetensorsHeader
    do {
      header = try JSONDecoder().decode(SafetensorsHeader.self, from: headerData)
    } catch let error as SafetensorsHeader.EntryError {
      throw CheckpointError.badTensor(file: path, tensor: error.tensor, reason: error.reason)
    } catch {
      throw CheckpointError.badHeader(file: path, reason: "not a JSON object of tensor entries")
    }
    var entries: [String: Entry] = [:]
    for raw in header.entries {
      entries[raw.name] = try Self.validate(raw, dataSize: dataSize, file: path)
    }
    let metadata = header.metadata
    // Tensors may not share bytes.
    let ordered = entries.values.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
    for (a, b) in zip(ordered, ordered.dropFirst()) where b.range.lowerBound < a.range.upperBound {
      throw CheckpointError.badTensor(file: path, tensor: b.name, reason: "bytes \(b.range) overlap tensor '\(a.name)' at \(a.range)")
    }
    self.entries = entries
    self.metadata = metadata
    self.byteCount = fileSize
    self.dataStart = 8 + headerLength
  }

  private static func validate(_ raw: SafetensorsHeader.RawEntry, dataSize: Int, file: String) throws -> Entry {
    let name = raw.name
    func bad(_ reason: String) -> CheckpointError { .badTensor(file: file, tensor: name, reason: reason) }
    guard let dtype = DType(rawValue: raw.dtype) else {
      throw CheckpointError.unsupportedDType(file: file, tensor: name, dtype: raw.dtype)
    }
    let shape = raw.shape
    guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("shape \(shape) has a negative dimension") }
    guard raw.offsets.count == 2 else { throw bad("data_offsets must be [begin, end], got \(raw.offsets)") }
    let begin = raw.offsets[0], end = raw.offsets[1]
    guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not increasing") }
    guard end <= dataSize else {
      throw bad("data_offsets [\(begin), \(end)] run past the data section of \(dataSize) bytes")
    }
    var elements = 1
    for d in shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: d)
      if overflow { throw bad("shape \(shape) is too large") }
      elements = product
    }
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow, bytes == end - begin else {
      throw bad("shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : String(bytes)) bytes but data_offsets give \(end - begin)")
    }
    return Entry(name: name, dtype: dtype, shape: shape, range: begin..<end)
  }

  /// Reads tensor `name` converted to Float32 into `destination` (`entry.count` floats).
  public func read(_ name: String, into destination: UnsafeMutablePointer<Float>) throws {
    guard let entry = entries[name] else {
      throw CheckpointError.missingTensor(tensor: name, files: [url.path])
    }
    let fd = open(url.path, O_RDONLY)
    guard fd >= 0 else { throw CheckpointError.unreadable(file: url.path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    let byteCount = entry.range.count
    if entry.dtype == .f32 {
      try readFully(fd, into: UnsafeMutableRawPointer(destination), count: byteCount, at: dataStart + entry.range.lowerBound, tensor: name)
      #if _endian(big)
      for i in 0..<entry.count { destination[i] = Float(bitPattern: UInt32(littleEndian: destination[i].bitPattern)) }
      #endif
    } else {
      // Half-precision tensors are converted in chunks to bound the temporary memory.
      let chunkElements = 1 << 20
      let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunkElements * entry.dtype.byteSize, alignment: 16)
      defer { scratch.deallocate() }
      var done = 0
      while done < entry.count {
        let n = min(chunkElements, entry.count - done)
        try readFully(fd, into: scratch, count: n * entry.dtype.byteSize,
                      at: dataStart + entry.range.lowerBound + done * entry.dtype.byteSize, tensor: name)
        entry.dtype.convert(scratch, to: destination + done, count: n)
        done += n
      }
    }
  }

  /// Reads tensor `name` as a `Tensor`.
  public func tensor(_ name: String) throws -> Tensor {
    guard let entry = entries[name] else { throw CheckpointError.missingTensor(tensor: name, files: [url.path]) }
    var values = [Float](repeating: 0, count: entry.count)
    try values.withUnsafeMutableBufferPointer { try read(name, into: $0.baseAddress!) }
    return Tensor(shape: entry.shape, values: values)
  }

  private func readFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int, tensor: String) throws {
    var done = 0
    while done < count {
      let n = pread(fd, buffer + done, count - done, off_t(offset + done))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        throw CheckpointError.badTensor(file: url.path, tensor: tensor, reason: "file ended after \(done) of \(count) bytes")
      }
      done += n
    }
  }
}

