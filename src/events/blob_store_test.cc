// The content-addressed photo store: layout, de-duplication, names checked,
// and images recognised by their bytes only.
#include "events/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.h"

namespace sl::events {
namespace {

namespace fs = std::filesystem;

TEST(BlobStoreTest, FilesAreLaidOutBySha256) {
  const fs::path root = fs::temp_directory_path() / ("sl-blobs-" + std::to_string(::getpid()));
  fs::remove_all(root);
  FileBlobStore store(root.string());
  const std::string bytes = std::string("\xFF\xD8\xFF\xE0", 4) + "a photo";
  auto sha = store.Put(bytes);
  ASSERT_TRUE(sha.ok()) << sha.error().message;
  EXPECT_EQ(*sha, Sha256Hex(bytes));
  EXPECT_EQ(store.PathOf(*sha), (root / sha->substr(0, 2) / *sha).string());
  EXPECT_TRUE(fs::exists(store.PathOf(*sha)));
  EXPECT_EQ(*store.Get(*sha), bytes);
  ASSERT_TRUE(store.Put(bytes).ok());  // the same bytes again: one file
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(store.Get(std::string(64, 'a')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.Get("../../etc/passwd").error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(store.Get(std::string(64, 'A')).error().code, ErrorCode::kBadRequest);
  fs::remove_all(root);
}

TEST(BlobStoreTest, ImageTypeByContent) {
  struct {
    const char* rule;
    std::string bytes;
    const char* type;
  } rows[] = {
      {"JPEG SOI marker", std::string("\xFF\xD8\xFF\xDB", 4) + "x", "image/jpeg"},
      {"PNG signature", std::string("\x89PNG\r\n\x1A\n", 8) + "x", "image/png"},
      {"WebP in RIFF", std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp"},
      {"GIF is not accepted", "GIF89a....", ""},
      {"text named .jpg is not an image", "hello.jpg", ""},
      {"a RIFF that is not WebP", std::string("RIFF\x10\0\0\0WAVEfmt ", 16), ""},
      {"truncated PNG signature", std::string("\x89PNG", 4), ""},
      {"empty", "", ""},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    EXPECT_EQ(SniffImageType(row.bytes), row.type);
  }
}

}  // namespace
}  // namespace sl::events
