#include "engine/spill/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::engine {

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::string& dir,
                                                     std::vector<SqlType> types) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string pattern = dir + "/sluice-spill-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return Status::IoError("creating spill file in " + dir + ": " + std::strerror(errno));
  }
  ::unlink(name.data());
  FILE* file = ::fdopen(fd, "w+b");
  if (!file) {
    ::close(fd);
    return Status::IoError("opening spill file in " + dir + ": " + std::strerror(errno));
  }
  // 128 KiB stdio buffer: large enough for few syscalls on sequential I/O, small enough that
  // the 64 files of a grace hash join (32 partitions x 2 sides) cost only 8 MiB of buffers.
  std::setvbuf(file, nullptr, _IOFBF, 128 << 10);
  return std::unique_ptr<SpillFile>(new SpillFile(file, std::move(types)));
}

SpillFile::~SpillFile() {
  if (file_) std::fclose(file_);
}

Status SpillFile::Write(const void* data, size_t size) {
  if (size == 0) return Status::OK();
  if (std::fwrite(data, 1, size, file_) != size) {
    return Status::ResourceExhausted(std::string("writing spill file: ") + std::strerror(errno));
  }
  bytes_written_ += static_cast<int64_t>(size);
  return Status::OK();
}

Status SpillFile::ReadExact(void* data, size_t size) {
  if (size == 0) return Status::OK();
  if (std::fread(data, 1, size, file_) != size) {
    return Status::IoError("spill file is shorter than written");
  }
  return Status::OK();
}

Status SpillFile::Append(const DataChunk& chunk) {
  if (chunk.size == 0) return Status::OK();
  int64_t count = chunk.size;
  SLUICE_RETURN_IF_ERROR(Write(&count, sizeof(count)));
  for (const auto& column : chunk.columns) {
    uint8_t has_nulls = column.has_nulls() ? 1 : 0;
    SLUICE_RETURN_IF_ERROR(Write(&has_nulls, 1));
    if (has_nulls) SLUICE_RETURN_IF_ERROR(Write(column.nulls().data(), static_cast<size_t>(count)));
    switch (column.type().storage()) {
      case Storage::kU8:
        SLUICE_RETURN_IF_ERROR(Write(column.u8().data(), static_cast<size_t>(count)));
        break;
      case Storage::kI64:
        SLUICE_RETURN_IF_ERROR(Write(column.i64().data(), static_cast<size_t>(count) * 8));
        break;
      case Storage::kI128:
        SLUICE_RETURN_IF_ERROR(Write(column.i128().data(), static_cast<size_t>(count) * 16));
        break;
      case Storage::kF64:
        SLUICE_RETURN_IF_ERROR(Write(column.f64().data(), static_cast<size_t>(count) * 8));
        break;
      case Storage::kStr: {
        std::vector<uint32_t> lengths(static_cast<size_t>(count));
        uint64_t total = 0;
        for (int64_t row = 0; row < count; ++row) {
          lengths[static_cast<size_t>(row)] = static_cast<uint32_t>(column.Str(row).size());
          total += lengths[static_cast<size_t>(row)];
        }
        SLUICE_RETURN_IF_ERROR(Write(lengths.data(), lengths.size() * 4));
        SLUICE_RETURN_IF_ERROR(Write(&total, sizeof(total)));
        for (int64_t row = 0; row < count; ++row) {
          auto text = column.Str(row);
          SLUICE_RETURN_IF_ERROR(Write(text.data(), text.size()));
        }
        break;
      }
    }
  }
  rows_ += count;
  return Status::OK();
}

Status SpillFile::FinishWriting() {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) {
    return Status::IoError(std::string("rewinding spill file: ") + std::strerror(errno));
  }
  return Status::OK();
}

Result<bool> SpillFile::Read(DataChunk* out) {
  int64_t count = 0;
  if (std::fread(&count, sizeof(count), 1, file_) != 1) return false;
  *out = DataChunk(types_);
  out->size = count;
  auto rows = static_cast<size_t>(count);
  for (auto& column : out->columns) {
    uint8_t has_nulls = 0;
    SLUICE_RETURN_IF_ERROR(ReadExact(&has_nulls, 1));
    if (has_nulls) {
      column.nulls().resize(rows);
      SLUICE_RETURN_IF_ERROR(ReadExact(column.nulls().data(), rows));
    }
    switch (column.type().storage()) {
      case Storage::kU8:
        column.u8().resize(rows);
        SLUICE_RETURN_IF_ERROR(ReadExact(column.u8().data(), rows));
        break;
      case Storage::kI64:
        column.i64().resize(rows);
        SLUICE_RETURN_IF_ERROR(ReadExact(column.i64().data(), rows * 8));
        break;
      case Storage::kI128:
        column.i128().resize(rows);
        SLUICE_RETURN_IF_ERROR(ReadExact(column.i128().data(), rows * 16));
        break;
      case Storage::kF64:
        column.f64().resize(rows);
        SLUICE_RETURN_IF_ERROR(ReadExact(column.f64().data(), rows * 8));
        break;
      case Storage::kStr: {
        std::vector<uint32_t> lengths(rows);
        SLUICE_RETURN_IF_ERROR(ReadExact(lengths.data(), rows * 4));
        uint64_t total = 0;
        SLUICE_RETURN_IF_ERROR(ReadExact(&total, sizeof(total)));
        std::string chars(total, '\0');
        SLUICE_RETURN_IF_ERROR(ReadExact(chars.data(), total));
        ColumnArray<uint8_t> nulls = std::move(column.nulls());
        column = Vector(column.type());
        column.Reserve(count);
        size_t pos = 0;
        for (size_t row = 0; row < rows; ++row) {
          if (!nulls.empty() && nulls[row]) {
            column.AppendNull();
          } else {
            column.AppendStr(std::string_view(chars).substr(pos, lengths[row]));
          }
          pos += lengths[row];
        }
        continue;
      }
    }
    column.SetSize(count);
  }
  return true;
}

}  // namespace sluice::engine
