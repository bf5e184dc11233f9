//===- CheckpointTest.cpp - Checkpoint readers against PyTorch and NumPy --===//
#include "TestSupport.h"

#include <gtest/gtest.h>
