//===- python/LanguageCopy.h - A language copied to be changed -*- C++ -*-===//
///
/// \file
/// The arena's language (python/ParseLanguage.h) is the grammar's
/// TSLanguage copied and changed in parts. The struct's layout is the
/// grammar's generated header, which only the files that change a part
/// include; everyone else holds a copy by this pointer.
///
//===----------------------------------------------------------------------===//
#ifndef PARAMLINT_PYTHON_LANGUAGECOPY_H
#define PARAMLINT_PYTHON_LANGUAGECOPY_H

#include <tree_sitter/api.h>

#include <memory>

namespace paramlint {
namespace py {

struct LanguageCopyDeleter {
  void operator()(TSLanguage *Language) const;
};

/// A language of paramlint's own: a copy of another, owned.
using LanguageCopy = std::unique_ptr<TSLanguage, LanguageCopyDeleter>;

/// A copy of Language, field for field.
LanguageCopy copyOf(const TSLanguage *Language);

} // namespace py
} // namespace paramlint

#endif // PARAMLINT_PYTHON_LANGUAGECOPY_H
