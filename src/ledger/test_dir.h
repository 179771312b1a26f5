// A fresh temporary directory for a ledger test, removed afterwards.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sl::ledger {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sl-ledger-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sl::ledger
