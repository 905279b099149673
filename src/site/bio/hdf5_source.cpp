// SPDX-License-Identifier: Apache-2.0
// HDF5 playback: a 2-D int16 dataset [samples][channels], read block by block with hyperslabs.
#include <hdf5.h>

#include <fmt/format.h>

#include "site/bio/sources.hpp"

namespace ion::bio {

namespace {
class Hdf5Source final : public SignalSource {
 public:
  Hdf5Source(hid_t file, hid_t dset, hid_t space, SignalInfo info)
      : file_(file), dset_(dset), space_(space), info_(std::move(info)) {}
  ~Hdf5Source() override {
    H5Sclose(space_);
    H5Dclose(dset_);
    H5Fclose(file_);
  }
  const SignalInfo& info() const override { return info_; }
  Result<size_t> read(std::span<int16_t> out) override {
    const auto left = static_cast<hsize_t>(info_.total_rows - pos_);
    const hsize_t rows = std::min<hsize_t>(left, out.size() / info_.channels);
    if (rows == 0) return size_t{0};
    const hsize_t start[2] = {static_cast<hsize_t>(pos_), 0}, count[2] = {rows, info_.channels};
    hid_t mem = H5Screate_simple(2, count, nullptr);
    H5Sselect_hyperslab(space_, H5S_SELECT_SET, start, nullptr, count, nullptr);
    const herr_t rc = H5Dread(dset_, H5T_NATIVE_INT16, mem, space_, H5P_DEFAULT, out.data());
    H5Sclose(mem);
    if (rc < 0) return error(Errc::io_error, fmt::format("{}: HDF5 read failed at row {}", info_.description, pos_));
    pos_ += static_cast<int64_t>(rows);
    return static_cast<size_t>(rows);
  }

 private:
  hid_t file_, dset_, space_;
  SignalInfo info_;
  int64_t pos_ = 0;
};

bool read_double_attr(hid_t obj, const char* name, double& v) {
  if (H5Aexists(obj, name) <= 0) return false;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) return false;
  const bool ok = H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0;
  H5Aclose(a);
  return ok;
}

// Checks type and shape; fills channels/rows.
Status check_dataset(hid_t dset, hid_t space, const std::string& where, SignalInfo& info) {
  hid_t type = H5Dget_type(dset);
  const bool int16 = H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 2;
  H5Tclose(type);
  if (!int16)
    return error(Errc::invalid_argument,
                 fmt::format("{}: dataset is not 16-bit integers (expected int16 samples)", where));
  if (H5Sget_simple_extent_ndims(space) != 2)
    return error(Errc::invalid_argument, fmt::format("{}: dataset must be 2-D [samples][channels]", where));
  hsize_t dims[2];
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (dims[1] == 0 || dims[1] > 65536 || dims[0] == 0)
    return error(Errc::invalid_argument, fmt::format("{}: dataset shape [{}][{}] has no samples or 0/too many channels",
                                                     where, dims[0], dims[1]));
  info.channels = static_cast<uint32_t>(dims[1]);
  info.total_rows = static_cast<int64_t>(dims[0]);
  return Status::ok();
}
}  // namespace

Result<std::unique_ptr<SignalSource>> open_hdf5(const std::string& path, const std::string& dataset, double rate_hz,
                                                double gain_v) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become Status values, not stderr noise
  hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return error(Errc::not_found, fmt::format("{}: cannot open as HDF5", path));
  const std::string where = fmt::format("{}:{}", path, dataset);
  hid_t dset = H5Lexists(file, dataset.c_str(), H5P_DEFAULT) > 0 ? H5Dopen2(file, dataset.c_str(), H5P_DEFAULT) : -1;
  if (dset < 0) {
    H5Fclose(file);
    return error(Errc::not_found, fmt::format("{}: no such dataset (pass --dataset /path/in/file)", where));
  }
  hid_t space = H5Dget_space(dset);
  SignalInfo info;
  Status st = check_dataset(dset, space, where, info);
  double rate = rate_hz, bitv_uv = 0;
  if (st.is_ok() && !(rate > 0) && !read_double_attr(dset, "sample_rate", rate))
    st = error(Errc::invalid_argument, fmt::format("{}: no \"sample_rate\" attribute; pass --rate", where));
  if (st.is_ok() && !(gain_v > 0)) {
    if (read_double_attr(dset, "bit_volts", bitv_uv) && bitv_uv > 0) gain_v = bitv_uv * 1e-6;
    else
      st = error(Errc::invalid_argument,
                 fmt::format("{}: no \"bit_volts\" attribute (µV per unit); pass --gain", where));
  }
  if (st.is_ok() && !(rate > 0))
    st = error(Errc::invalid_argument, fmt::format("{}: sample rate {} must be > 0", where, rate));
  if (!st.is_ok()) {
    H5Sclose(space);
    H5Dclose(dset);
    H5Fclose(file);
    return st;
  }
  info.sample_rate_hz = rate;
  info.gain_v.assign(info.channels, static_cast<float>(gain_v));
  info.description = fmt::format("HDF5 {}", where);
  return std::unique_ptr<SignalSource>(new Hdf5Source(file, dset, space, std::move(info)));
}

}  // namespace ion::bio
