// SPDX-License-Identifier: Apache-2.0
#pragma once
// The C++ side of ion.Experiment (bound in experiment.cpp; runs take it in run.cpp).
#include <pybind11/pybind11.h>

#include <string>

#include "experiment/model.hpp"

namespace ion::python {

class PyExperiment {
 public:
  explicit PyExperiment(experiment::Experiment e) : e_(std::move(e)) {}
  const experiment::Experiment& model() const { return e_; }
  // Sets `key` (experiment/overrides.hpp paths) to a Python value, validated by the loader; on
  // any problem raises ValidationFailure and leaves the experiment unchanged.
  void set(const std::string& key, pybind11::handle value);

 private:
  experiment::Experiment e_;
};

}  // namespace ion::python
