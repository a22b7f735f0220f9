#include "format/parquet/reader/column_chunk_reader.h"

#include <memory>
#include <optional>
#include <vector>

#include "common/crc32.h"
#include "format/parquet/compression/codec.h"
#include "format/parquet/encoding/byte_stream_split.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/delta_byte_array.h"
#include "format/parquet/encoding/plain.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/encoding/rle_boolean.h"

namespace sluice::parquet {

namespace {

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnSchema& column, const ChunkLocation& chunk,
               const ParquetReaderOptions& options, ColumnVector* out)
      : column_(column),
        chunk_(chunk),
        options_(options),
        out_(out),
        dense_(column.physical, column.type_length) {}

  Status Run() {
    SLUICE_ASSIGN_OR_RETURN(codec_, MakeCodec(chunk_.codec, 0));
    size_t pos = 0;
    int64_t values_read = 0;
    while (values_read < chunk_.num_values) {
      if (pos >= chunk_.size) {
        return Corrupt(pos, "column chunk ends after " + std::to_string(values_read) + " of " +
                                std::to_string(chunk_.num_values) + " values");
      }
      size_t header_size = 0;
      SLUICE_ASSIGN_OR_RETURN(
          PageHeader header,
          ParsePageHeader(chunk_.data + pos, chunk_.size - pos,
                          chunk_.file_offset + static_cast<int64_t>(pos), &header_size));
      page_offset_ = chunk_.file_offset + static_cast<int64_t>(pos);
      pos += header_size;
      if (header.compressed_page_size < 0 || header.uncompressed_page_size < 0 ||
          static_cast<size_t>(header.compressed_page_size) > chunk_.size - pos) {
        return Corrupt(pos, "page sizes (compressed " +
                                std::to_string(header.compressed_page_size) + ", uncompressed " +
                                std::to_string(header.uncompressed_page_size) +
                                ") do not fit in the column chunk");
      }
      if (header.uncompressed_page_size > options_.max_page_bytes) {
        return Corrupt(pos, "page of " + std::to_string(header.uncompressed_page_size) +
                                " bytes exceeds the reader's limit");
      }
      const uint8_t* page = chunk_.data + pos;
      auto page_size = static_cast<size_t>(header.compressed_page_size);
      pos += page_size;
      if (header.crc && options_.verify_page_crc) {
        uint32_t actual = Crc32(page, page_size);
        if (actual != static_cast<uint32_t>(*header.crc)) {
          return Corrupt(pos - page_size, "page CRC32 mismatch (stored " +
                                              std::to_string(static_cast<uint32_t>(*header.crc)) +
                                              ", computed " + std::to_string(actual) + ")");
        }
      }
      switch (header.type) {
        case PageType::DICTIONARY_PAGE:
          SLUICE_RETURN_IF_ERROR(ReadDictionary(header, page, page_size));
          break;
        case PageType::DATA_PAGE: {
          SLUICE_ASSIGN_OR_RETURN(
              int64_t n, ReadDataPageV1(header, page, page_size, chunk_.num_values - values_read));
          values_read += n;
          break;
        }
        case PageType::DATA_PAGE_V2: {
          SLUICE_ASSIGN_OR_RETURN(
              int64_t n, ReadDataPageV2(header, page, page_size, chunk_.num_values - values_read));
          values_read += n;
          break;
        }
        default:
          break;  // INDEX_PAGE and unknown page types are skipped, as the spec allows
      }
    }
    return Status::OK();
  }

 private:
  Status Corrupt(size_t pos, const std::string& what) const {
    return Status::Corruption(
        "column '" + column_.name + "', page at offset " + std::to_string(page_offset_) +
        " (byte " + std::to_string(chunk_.file_offset + static_cast<int64_t>(pos)) + "): " + what);
  }
  Status CorruptPage(const Status& inner) const {
    return Status(inner.code(), "column '" + column_.name + "', page at offset " +
                                    std::to_string(page_offset_) + ": " + inner.message());
  }

  /// Decompresses `size` bytes into `expected` bytes (or borrows them when uncompressed).
  Result<const uint8_t*> Decompress(const uint8_t* data, size_t size, size_t expected,
                                    bool compressed) {
    if (!compressed || chunk_.codec == CompressionCodec::UNCOMPRESSED) {
      if (size != expected) {
        return Corrupt(0, "uncompressed page holds " + std::to_string(size) +
                              " bytes but its header says " + std::to_string(expected));
      }
      return data;
    }
    scratch_.resize(expected);
    Status st = codec_->Decompress(data, size, scratch_.data(), expected);
    if (!st.ok()) return CorruptPage(st);
    return static_cast<const uint8_t*>(scratch_.data());
  }

  Status ReadDictionary(const PageHeader& header, const uint8_t* page, size_t size) {
    if (!header.dictionary_page_header) return Corrupt(0, "dictionary page without its header");
    if (dictionary_) return Corrupt(0, "second dictionary page in one column chunk");
    int32_t count = header.dictionary_page_header->num_values;
    if (count < 0)
      return Corrupt(0, "dictionary page declares " + std::to_string(count) + " values");
    auto enc = header.dictionary_page_header->encoding;
    if (enc != Encoding::PLAIN && enc != Encoding::PLAIN_DICTIONARY) {
      return Corrupt(
          0, "dictionary page encoding " + std::to_string(static_cast<int>(enc)) + " is not PLAIN");
    }
    SLUICE_ASSIGN_OR_RETURN(
        const uint8_t* body,
        Decompress(page, size, static_cast<size_t>(header.uncompressed_page_size), true));
    dictionary_.emplace(column_.physical, column_.type_length);
    dictionary_->Clear();
    auto decoded = PlainDecode(body, static_cast<size_t>(header.uncompressed_page_size),
                               column_.physical, column_.type_length, count, &*dictionary_);
    if (!decoded.ok()) return CorruptPage(decoded.status());
    return Status::OK();
  }

  /// Decodes definition levels; returns the number of non-null values.
  Result<int64_t> DecodeLevels(const uint8_t* data, size_t size, int64_t num_values) {
    levels_.resize(static_cast<size_t>(num_values));
    RleBitPackedDecoder decoder(data, size, 1);
    Status st = decoder.GetBatch(levels_.data(), num_values);
    if (!st.ok()) return CorruptPage(st);
    int64_t non_null = 0;
    for (uint32_t level : levels_) {
      if (level > 1)
        return Corrupt(0, "definition level " + std::to_string(level) +
                              " exceeds the maximum of 1 for a flat column");
      non_null += level;
    }
    return non_null;
  }

  Status DecodeValues(Encoding encoding, const uint8_t* data, size_t size, int64_t count,
                      ColumnVector* dest) {
    Result<size_t> used = size_t{0};
    switch (encoding) {
      case Encoding::PLAIN:
        used = PlainDecode(data, size, column_.physical, column_.type_length, count, dest);
        break;
      case Encoding::PLAIN_DICTIONARY:
      case Encoding::RLE_DICTIONARY:
        return DecodeDictionaryIndices(data, size, count, dest);
      case Encoding::RLE:
        if (column_.physical != PhysicalType::kBoolean) {
          return Corrupt(0, "RLE value encoding on a non-BOOLEAN column");
        }
        used = RleBooleanDecode(data, size, count, dest);
        break;
      case Encoding::DELTA_BINARY_PACKED:
        if (column_.physical != PhysicalType::kInt32 && column_.physical != PhysicalType::kInt64) {
          return Corrupt(0, "DELTA_BINARY_PACKED on a non-integer column");
        }
        used = DeltaBinaryPackedDecode(data, size, column_.physical, count, dest);
        break;
      case Encoding::DELTA_LENGTH_BYTE_ARRAY:
        if (column_.physical != PhysicalType::kByteArray) {
          return Corrupt(0, "DELTA_LENGTH_BYTE_ARRAY on a non-BYTE_ARRAY column");
        }
        used = DeltaLengthByteArrayDecode(data, size, count, dest);
        break;
      case Encoding::DELTA_BYTE_ARRAY:
        if (column_.physical != PhysicalType::kByteArray &&
            column_.physical != PhysicalType::kFixedLenByteArray) {
          return Corrupt(0, "DELTA_BYTE_ARRAY on a non-binary column");
        }
        used = DeltaByteArrayDecode(data, size, column_.physical, column_.type_length, count, dest);
        break;
      case Encoding::BYTE_STREAM_SPLIT:
        used =
            ByteStreamSplitDecode(data, size, column_.physical, column_.type_length, count, dest);
        break;
      default:
        return Status::NotSupported("column '" + column_.name + "': value encoding " +
                                    std::to_string(static_cast<int>(encoding)) +
                                    " is not supported");
    }
    if (!used.ok()) return CorruptPage(used.status());
    return Status::OK();
  }

  Status DecodeDictionaryIndices(const uint8_t* data, size_t size, int64_t count,
                                 ColumnVector* dest) {
    if (!dictionary_) return Corrupt(0, "dictionary-encoded page without a dictionary page");
    if (count == 0) return Status::OK();
    if (size < 1) return Corrupt(0, "dictionary-encoded page has no bit width byte");
    int bit_width = data[0];
    if (bit_width > 32) {
      return Corrupt(0, "dictionary index bit width " + std::to_string(bit_width) + " > 32");
    }
    indices_.resize(static_cast<size_t>(count));
    RleBitPackedDecoder decoder(data + 1, size - 1, bit_width);
    Status st = decoder.GetBatch(indices_.data(), count);
    if (!st.ok()) return CorruptPage(st);
    const ColumnVector& dict = *dictionary_;
    const auto dict_size = static_cast<uint32_t>(dict.size());
    for (uint32_t index : indices_) {
      if (index >= dict_size) {
        return Corrupt(0, "dictionary index " + std::to_string(index) + " >= dictionary size " +
                              std::to_string(dict_size));
      }
    }
    if (dict.width() > 0) {
      for (uint32_t index : indices_) dest->AppendFixed(dict.FixedAt(index));
    } else {
      for (uint32_t index : indices_) dest->AppendBytes(dict.BytesAt(index));
    }
    return Status::OK();
  }

  /// Decodes `non_null` values and spreads them over `num_values` rows per levels_.
  Status DecodeAndScatter(Encoding encoding, const uint8_t* data, size_t size, int64_t num_values,
                          int64_t non_null, bool has_levels) {
    if (!has_levels || non_null == num_values) {
      return DecodeValues(encoding, data, size, num_values, out_);
    }
    dense_.Clear();
    SLUICE_RETURN_IF_ERROR(DecodeValues(encoding, data, size, non_null, &dense_));
    int64_t next = 0;
    for (int64_t row = 0; row < num_values; ++row) {
      if (levels_[static_cast<size_t>(row)] == 0) {
        out_->AppendNull();
      } else if (dense_.width() > 0) {
        out_->AppendFixed(dense_.FixedAt(next++));
      } else {
        out_->AppendBytes(dense_.BytesAt(next++));
      }
    }
    return Status::OK();
  }

  Result<int64_t> CheckCount(int64_t num_values, int64_t remaining) {
    if (num_values < 0) return Corrupt(0, "negative value count " + std::to_string(num_values));
    if (num_values > remaining) {
      return Corrupt(0, "page holds " + std::to_string(num_values) +
                            " values but the column chunk has only " + std::to_string(remaining) +
                            " left");
    }
    return num_values;
  }

  Result<int64_t> ReadDataPageV1(const PageHeader& header, const uint8_t* page, size_t size,
                                 int64_t remaining) {
    if (!header.data_page_header) return Corrupt(0, "data page without its header");
    const auto& dph = *header.data_page_header;
    SLUICE_ASSIGN_OR_RETURN(int64_t num_values, CheckCount(dph.num_values, remaining));
    auto body_size = static_cast<size_t>(header.uncompressed_page_size);
    SLUICE_ASSIGN_OR_RETURN(const uint8_t* body, Decompress(page, size, body_size, true));
    size_t pos = 0;
    int64_t non_null = num_values;
    if (column_.nullable) {
      if (dph.definition_level_encoding != Encoding::RLE) {
        return Status::NotSupported("column '" + column_.name +
                                    "': definition levels in BIT_PACKED encoding");
      }
      if (body_size < 4) return Corrupt(0, "data page too short for its level length");
      uint32_t levels_len = static_cast<uint32_t>(body[0]) | (static_cast<uint32_t>(body[1]) << 8) |
                            (static_cast<uint32_t>(body[2]) << 16) |
                            (static_cast<uint32_t>(body[3]) << 24);
      if (levels_len > body_size - 4) {
        return Corrupt(
            0, "definition levels length " + std::to_string(levels_len) + " exceeds the page");
      }
      SLUICE_ASSIGN_OR_RETURN(non_null, DecodeLevels(body + 4, levels_len, num_values));
      pos = 4 + levels_len;
    }
    SLUICE_RETURN_IF_ERROR(DecodeAndScatter(dph.encoding, body + pos, body_size - pos, num_values,
                                            non_null, column_.nullable));
    return num_values;
  }

  Result<int64_t> ReadDataPageV2(const PageHeader& header, const uint8_t* page, size_t size,
                                 int64_t remaining) {
    if (!header.data_page_header_v2) return Corrupt(0, "data page v2 without its header");
    const auto& h = *header.data_page_header_v2;
    SLUICE_ASSIGN_OR_RETURN(int64_t num_values, CheckCount(h.num_values, remaining));
    if (h.definition_levels_byte_length < 0 || h.repetition_levels_byte_length < 0 ||
        static_cast<int64_t>(h.definition_levels_byte_length) + h.repetition_levels_byte_length >
            static_cast<int64_t>(size) ||
        static_cast<int64_t>(h.definition_levels_byte_length) + h.repetition_levels_byte_length >
            header.uncompressed_page_size) {
      return Corrupt(0, "data page v2 level lengths exceed the page");
    }
    if (h.repetition_levels_byte_length != 0) {
      return Status::NotSupported("column '" + column_.name + "' has repetition levels");
    }
    if (h.num_nulls < 0 || h.num_nulls > num_values) {
      return Corrupt(0, "data page v2 num_nulls " + std::to_string(h.num_nulls) + " invalid");
    }
    auto levels_len = static_cast<size_t>(h.definition_levels_byte_length);
    int64_t non_null = num_values;
    if (column_.nullable) {
      SLUICE_ASSIGN_OR_RETURN(non_null, DecodeLevels(page, levels_len, num_values));
    } else if (h.num_nulls != 0) {
      return Corrupt(0, "REQUIRED column page declares " + std::to_string(h.num_nulls) + " nulls");
    }
    size_t values_compressed = size - levels_len;
    auto values_size = static_cast<size_t>(header.uncompressed_page_size) - levels_len;
    SLUICE_ASSIGN_OR_RETURN(const uint8_t* values,
                            Decompress(page + levels_len, values_compressed, values_size,
                                       h.is_compressed.value_or(true)));
    SLUICE_RETURN_IF_ERROR(
        DecodeAndScatter(h.encoding, values, values_size, num_values, non_null, column_.nullable));
    return num_values;
  }

  const ColumnSchema& column_;
  const ChunkLocation& chunk_;
  const ParquetReaderOptions& options_;
  ColumnVector* out_;
  std::unique_ptr<Codec> codec_;
  std::optional<ColumnVector> dictionary_;
  ColumnVector dense_;
  std::vector<uint32_t> levels_;
  std::vector<uint32_t> indices_;
  std::vector<uint8_t> scratch_;
  int64_t page_offset_ = 0;
};

}  // namespace

Status ReadColumnChunk(const ColumnSchema& column, const ChunkLocation& chunk,
                       const ParquetReaderOptions& options, ColumnVector* out) {
  ChunkDecoder decoder(column, chunk, options, out);
  return decoder.Run();
}

}  // namespace sluice::parquet
