#include "format/parquet/writer/column_chunk_writer.h"

#include <algorithm>

#include "common/crc32.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/byte_stream_split.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/plain.h"

namespace sluice::parquet {

namespace {

// Rows handed to the encoders at a time: small enough that a page is cut close to its size
// target, large enough that per-call overhead does not show.
constexpr int64_t kSliceRows = 1024;

bool DictionaryAllowed(const ColumnSchema& column, const ParquetWriterOptions& options) {
  return options.enable_dictionary && column.physical != PhysicalType::kBoolean &&
         column.physical != PhysicalType::kInt96;
}

void AddEncoding(std::vector<Encoding>* encodings, Encoding encoding) {
  if (std::find(encodings->begin(), encodings->end(), encoding) == encodings->end()) {
    encodings->push_back(encoding);
  }
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(const ColumnSchema& column,
                                     const ParquetWriterOptions& options, Codec* codec,
                                     CompressionCodec codec_id)
    : column_(column),
      options_(options),
      codec_(codec),
      codec_id_(codec_id),
      chunk_codec_(codec_id),
      mode_(DictionaryAllowed(column, options) ? Mode::kDictionary : Mode::kFallback),
      pending_values_(column.physical, column.type_length),
      page_stats_(column),
      chunk_stats_(column) {
  pending_values_.Clear();
  if (mode_ == Mode::kDictionary) {
    dictionary_ = std::make_unique<DictionaryEncoder>(column.physical, column.type_length);
  }
}

void ColumnChunkWriter::Reset() {
  mode_ = DictionaryAllowed(column_, options_) ? Mode::kDictionary : Mode::kFallback;
  if (mode_ == Mode::kDictionary) {
    if (dictionary_) {
      dictionary_->Reset();
    } else {
      dictionary_ = std::make_unique<DictionaryEncoder>(column_.physical, column_.type_length);
    }
  }
  dictionary_checked_ = false;
  chunk_codec_ = codec_id_;
  codec_decided_ = false;
  def_levels_.Reset();
  pending_indices_.clear();
  pending_values_.Clear();
  pending_rows_ = 0;
  pending_nulls_ = 0;
  pending_estimate_ = 0;
  page_stats_.Reset();
  dictionary_page_.clear();
  data_pages_.clear();
  pages_.clear();
  chunk_stats_.Reset();
  chunk_rows_ = 0;
  total_uncompressed_ = 0;
  encodings_.clear();
  encoding_stats_.clear();
}

void ColumnChunkWriter::AppendPendingValues(const ColumnVector& col, int64_t begin, int64_t end) {
  if (col.width() > 0) {
    for (int64_t row = begin; row < end; ++row) {
      if (col.IsValid(row)) pending_values_.AppendFixed(col.FixedAt(row));
    }
  } else {
    for (int64_t row = begin; row < end; ++row) {
      if (col.IsValid(row)) pending_values_.AppendBytes(col.BytesAt(row));
    }
  }
}

Status ColumnChunkWriter::Write(const ColumnVector& col, int64_t begin, int64_t end) {
  int64_t row = begin;
  while (row < end) {
    int64_t room = std::max<int64_t>(1, options_.page_max_values - pending_rows_);
    int64_t slice_end = std::min(end, row + std::min(room, kSliceRows));
    if (col.width() == 0) {
      // Wide values (BLOB/TEXT): stop the slice once it holds a page's worth of bytes, so the
      // encoder state (dictionary, pending page) never holds more than about two pages.
      const auto& offsets = col.offsets();
      int64_t budget = std::max<int64_t>(1, options_.page_size_bytes - pending_estimate_);
      int64_t limit = row + 1;
      while (limit < slice_end &&
             static_cast<int64_t>(offsets[static_cast<size_t>(limit)] -
                                  offsets[static_cast<size_t>(row)]) < budget) {
        ++limit;
      }
      slice_end = limit;
    }
    int64_t rows = slice_end - row;
    int64_t nulls = 0;
    if (col.has_nulls()) {
      for (int64_t idx = row; idx < slice_end; ++idx) nulls += col.IsValid(idx) ? 0 : 1;
    }
    if (!column_.nullable && nulls > 0) {
      return Status::InvalidArgument("column '" + column_.name +
                                     "' is REQUIRED (NOT NULL) but a batch holds a NULL");
    }
    if (column_.nullable) {
      if (nulls == 0) {
        def_levels_.PutRepeated(1, rows);
      } else {
        for (int64_t idx = row; idx < slice_end; ++idx) def_levels_.Put(col.IsValid(idx) ? 1 : 0);
      }
    }
    page_stats_.Update(col, row, slice_end);
    pending_rows_ += rows;
    pending_nulls_ += nulls;
    chunk_rows_ += rows;

    if (mode_ == Mode::kDictionary) {
      dictionary_->Put(col, row, slice_end, &pending_indices_);
      int width = std::max(1, BitWidth(static_cast<uint64_t>(dictionary_->num_entries())));
      pending_estimate_ = static_cast<int64_t>(pending_indices_.size()) * width / 8 + 1;
      if (dictionary_->plain_size() > options_.dictionary_limit_bytes) {
        SLUICE_RETURN_IF_ERROR(FlushPage());
        if (mode_ == Mode::kDictionary) {
          SLUICE_RETURN_IF_ERROR(FallbackFromDictionary(/*discard_dictionary=*/false));
        }
      }
    } else {
      AppendPendingValues(col, row, slice_end);
      pending_estimate_ = static_cast<int64_t>(pending_values_.values().size()) +
                          (col.width() == 0 ? 4 * pending_values_.size() : 0);
    }
    if (pending_rows_ >= options_.page_max_values ||
        pending_estimate_ >= options_.page_size_bytes) {
      SLUICE_RETURN_IF_ERROR(FlushPage());
    }
    row = slice_end;
  }
  return Status::OK();
}

Status ColumnChunkWriter::FallbackFromDictionary(bool discard_dictionary) {
  if (discard_dictionary) {
    // Nothing was emitted with the dictionary yet: turn the pending indices back into values.
    std::string dict;
    dictionary_->WriteDictionaryPage(&dict);
    ColumnVector entries(column_.physical, column_.type_length);
    entries.Clear();
    SLUICE_ASSIGN_OR_RETURN(
        size_t used,
        PlainDecode(reinterpret_cast<const uint8_t*>(dict.data()), dict.size(), column_.physical,
                    column_.type_length, dictionary_->num_entries(), &entries));
    (void)used;
    pending_values_.Clear();
    for (uint32_t index : pending_indices_) {
      if (entries.width() > 0) {
        pending_values_.AppendFixed(entries.FixedAt(index));
      } else {
        pending_values_.AppendBytes(entries.BytesAt(index));
      }
    }
    pending_indices_.clear();
  } else {
    std::string dict;
    dictionary_->WriteDictionaryPage(&dict);
    SLUICE_RETURN_IF_ERROR(CompressAndAppendPage(PageType::DICTIONARY_PAGE, dict,
                                                 static_cast<int32_t>(dictionary_->num_entries()),
                                                 Encoding::PLAIN, &dictionary_page_));
  }
  dictionary_.reset();
  mode_ = Mode::kFallback;
  return Status::OK();
}

Status ColumnChunkWriter::EncodePendingValues(std::string* out, Encoding* encoding) {
  auto count = pending_values_.size();
  bool is_int =
      column_.physical == PhysicalType::kInt32 || column_.physical == PhysicalType::kInt64;
  if (is_int && options_.enable_delta_integers && count > 0) {
    size_t start = out->size();
    const uint8_t* data = pending_values_.values().data();
    if (column_.physical == PhysicalType::kInt32) {
      DeltaBinaryPackedEncode32(reinterpret_cast<const int32_t*>(data), count, out);
    } else {
      DeltaBinaryPackedEncode64(reinterpret_cast<const int64_t*>(data), count, out);
    }
    // Keep DELTA only where it is smaller than PLAIN (random keys can make it larger).
    if (out->size() - start < pending_values_.values().size()) {
      *encoding = Encoding::DELTA_BINARY_PACKED;
      return Status::OK();
    }
    out->resize(start);
  }
  bool is_float =
      column_.physical == PhysicalType::kFloat || column_.physical == PhysicalType::kDouble;
  if (is_float && options_.enable_byte_stream_split &&
      codec_id_ != CompressionCodec::UNCOMPRESSED) {
    // Same size as PLAIN, but grouping the bytes of equal significance lets the codec find the
    // repetition in exponents and high mantissa bytes (typically 10-30% smaller after zstd).
    ByteStreamSplitEncode(pending_values_, 0, count, out);
    *encoding = Encoding::BYTE_STREAM_SPLIT;
    return Status::OK();
  }
  PlainEncode(pending_values_, 0, count, out);
  *encoding = Encoding::PLAIN;
  return Status::OK();
}

Status ColumnChunkWriter::FlushPage() {
  if (pending_rows_ == 0) return Status::OK();
  if (mode_ == Mode::kDictionary && !dictionary_checked_) {
    dictionary_checked_ = true;
    auto non_null = static_cast<int64_t>(pending_indices_.size());
    // High cardinality (more than half the values distinct) or no values at all: the dictionary
    // would only add a page, so drop it before anything refers to it.
    if (non_null == 0 || dictionary_->num_entries() * 2 > non_null) {
      SLUICE_RETURN_IF_ERROR(FallbackFromDictionary(/*discard_dictionary=*/true));
    }
  }

  scratch_body_.clear();
  if (column_.nullable) {
    scratch_values_.clear();
    def_levels_.FlushTo(&scratch_values_);
    auto len = static_cast<uint32_t>(scratch_values_.size());
    scratch_body_.append(reinterpret_cast<const char*>(&len), 4);  // little-endian host
    scratch_body_.append(scratch_values_);
  }
  Encoding encoding;
  if (mode_ == Mode::kDictionary) {
    int width = std::max(1, BitWidth(static_cast<uint64_t>(dictionary_->num_entries() - 1)));
    EncodeDictionaryIndices(pending_indices_.data(), static_cast<int64_t>(pending_indices_.size()),
                            width, &scratch_body_);
    encoding = Encoding::RLE_DICTIONARY;
  } else {
    SLUICE_RETURN_IF_ERROR(EncodePendingValues(&scratch_body_, &encoding));
  }

  PageInfo info;
  info.offset_in_chunk = static_cast<int64_t>(data_pages_.size());
  info.first_row = chunk_rows_ - pending_rows_;
  info.null_count = pending_nulls_;
  info.num_values = pending_rows_;
  info.has_min_max = page_stats_.has_min_max();
  if (info.has_min_max) {
    info.min = page_stats_.min();
    info.max = page_stats_.max();
  }
  SLUICE_RETURN_IF_ERROR(CompressAndAppendPage(PageType::DATA_PAGE, scratch_body_,
                                               static_cast<int32_t>(pending_rows_), encoding,
                                               &data_pages_));
  info.compressed_size =
      static_cast<int32_t>(static_cast<int64_t>(data_pages_.size()) - info.offset_in_chunk);
  pages_.push_back(std::move(info));
  if (column_.nullable) AddEncoding(&encodings_, Encoding::RLE);

  chunk_stats_.Merge(page_stats_);
  page_stats_.Reset();
  pending_indices_.clear();
  pending_values_.Clear();
  pending_rows_ = 0;
  pending_nulls_ = 0;
  pending_estimate_ = 0;
  return Status::OK();
}

Status ColumnChunkWriter::CompressAndAppendPage(PageType type, const std::string& body,
                                                int32_t num_values, Encoding encoding,
                                                std::string* dest) {
  const std::string* payload = &body;
  if (chunk_codec_ != CompressionCodec::UNCOMPRESSED) {
    scratch_compressed_.clear();
    SLUICE_RETURN_IF_ERROR(codec_->Compress(reinterpret_cast<const uint8_t*>(body.data()),
                                            body.size(), &scratch_compressed_));
    payload = &scratch_compressed_;
    if (!codec_decided_ && type == PageType::DATA_PAGE) {
      // The first data page decides for the whole chunk (one codec per chunk); a dictionary
      // page always comes after a data page here, so it follows the decision.
      codec_decided_ = true;
      if (options_.skip_incompressible_columns && static_cast<double>(scratch_compressed_.size()) >
                                                      0.97 * static_cast<double>(body.size())) {
        chunk_codec_ = CompressionCodec::UNCOMPRESSED;
        payload = &body;
      }
    }
  }
  if (body.size() > INT32_MAX || payload->size() > INT32_MAX) {
    return Status::InvalidArgument("column '" + column_.name +
                                   "': a page exceeds 2 GiB; lower the page size");
  }
  PageHeader header;
  header.type = type;
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(payload->size());
  if (options_.write_page_crc) {
    header.crc = static_cast<int32_t>(Crc32(payload->data(), payload->size()));
  }
  if (type == PageType::DICTIONARY_PAGE) {
    DictionaryPageHeader dict;
    dict.num_values = num_values;
    dict.encoding = Encoding::PLAIN;
    header.dictionary_page_header = dict;
  } else {
    DataPageHeader data;
    data.num_values = num_values;
    data.encoding = encoding;
    data.definition_level_encoding = Encoding::RLE;
    data.repetition_level_encoding = Encoding::RLE;
    header.data_page_header = data;
  }
  scratch_header_.clear();
  SerializePageHeader(header, &scratch_header_);
  dest->append(scratch_header_);
  dest->append(*payload);
  total_uncompressed_ += static_cast<int64_t>(scratch_header_.size() + body.size());

  AddEncoding(&encodings_, encoding);
  auto it = std::find_if(encoding_stats_.begin(), encoding_stats_.end(), [&](const auto& s) {
    return s.page_type == type && s.encoding == encoding;
  });
  if (it == encoding_stats_.end()) {
    encoding_stats_.push_back({type, encoding, 1});
  } else {
    ++it->count;
  }
  return Status::OK();
}

Status ColumnChunkWriter::Finish() {
  SLUICE_RETURN_IF_ERROR(FlushPage());
  if (mode_ == Mode::kDictionary && dictionary_ && dictionary_->num_entries() > 0) {
    std::string dict;
    dictionary_->WriteDictionaryPage(&dict);
    SLUICE_RETURN_IF_ERROR(CompressAndAppendPage(PageType::DICTIONARY_PAGE, dict,
                                                 static_cast<int32_t>(dictionary_->num_entries()),
                                                 Encoding::PLAIN, &dictionary_page_));
  }
  return Status::OK();
}

void ColumnChunkWriter::FillMetadata(int64_t chunk_offset, ColumnChunk* out) const {
  ColumnMetaData meta;
  meta.type = static_cast<Type>(column_.physical);
  meta.encodings = encodings_;
  meta.path_in_schema = {column_.name};
  meta.codec = chunk_codec_;
  meta.num_values = chunk_rows_;
  meta.total_uncompressed_size = total_uncompressed_;
  meta.total_compressed_size = static_cast<int64_t>(dictionary_page_.size() + data_pages_.size());
  if (!dictionary_page_.empty()) meta.dictionary_page_offset = chunk_offset;
  meta.data_page_offset = chunk_offset + static_cast<int64_t>(dictionary_page_.size());
  if (options_.write_statistics) {
    Statistics stats;
    stats.null_count = chunk_stats_.null_count();
    if (chunk_stats_.has_min_max()) {
      stats.min_value = chunk_stats_.min();
      stats.max_value = chunk_stats_.max();
      stats.is_min_value_exact = true;
      stats.is_max_value_exact = true;
    }
    meta.statistics = stats;
  }
  meta.encoding_stats = encoding_stats_;
  out->file_offset = chunk_offset;
  out->meta_data = std::move(meta);
}

int64_t ColumnChunkWriter::encoded_bytes() const {
  int64_t total = buffered_bytes() + static_cast<int64_t>(dictionary_page_.size());
  // The dictionary page is built by Finish() (or a fallback); until then its PLAIN size.
  if (dictionary_ && dictionary_page_.empty()) total += dictionary_->plain_size();
  return total;
}

int64_t ColumnChunkWriter::allocated_bytes() const {
  int64_t total = static_cast<int64_t>(dictionary_page_.capacity() + data_pages_.capacity() +
                                       scratch_body_.capacity() + scratch_values_.capacity() +
                                       scratch_compressed_.capacity() + scratch_header_.capacity() +
                                       pending_indices_.capacity() * sizeof(uint32_t));
  total += pending_values_.allocated_bytes();
  if (dictionary_) total += dictionary_->allocated_bytes();
  return total;
}

}  // namespace sluice::parquet
