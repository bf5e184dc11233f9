//===- fix/UnifiedDiff.cpp - `--diff` output ------------------------------===//
///
/// \file
/// Myers' O((N+M)·D) line diff on the part between the common prefix and
/// suffix (fixes are small, so D is too), then hunks with context. Past a
/// bound on D the middle is shown as replaced whole: still a correct diff,
/// and the memory stays bounded on pathological inputs.
///
//===----------------------------------------------------------------------===//
#include "fix/UnifiedDiff.h"

#include <fmt/format.h>

#include <string_view>
#include <vector>

namespace paramlint {
namespace {

/// Lines with their terminators, so "x" and "x\n" differ.
std::vector<std::string_view> splitLines(const std::string &S) {
  std::vector<std::string_view> Out;
  size_t Pos = 0;
  while (Pos < S.size()) {
    size_t Nl = S.find('\n', Pos);
    size_t End = Nl == std::string::npos ? S.size() : Nl + 1;
    Out.push_back(std::string_view(S).substr(Pos, End - Pos));
    Pos = End;
  }
  return Out;
}

enum class Op : char { Equal = ' ', Delete = '-', Insert = '+' };

/// The most edit steps the exact diff explores before giving up on it.
constexpr long MaxEditSteps = 4000;

/// The edit script turning A into B, in order.
std::vector<Op> diffLines(const std::vector<std::string_view> &A,
                          const std::vector<std::string_view> &B) {
  size_t Prefix = 0;
  while (Prefix < A.size() && Prefix < B.size() && A[Prefix] == B[Prefix])
    ++Prefix;
  size_t Suffix = 0;
  while (Suffix < A.size() - Prefix && Suffix < B.size() - Prefix &&
         A[A.size() - 1 - Suffix] == B[B.size() - 1 - Suffix])
    ++Suffix;
  const long N = static_cast<long>(A.size() - Prefix - Suffix);
  const long M = static_cast<long>(B.size() - Prefix - Suffix);
  auto Eq = [&](long X, long Y) { return A[Prefix + X] == B[Prefix + Y]; };

  std::vector<Op> Middle; // Built backwards.
  const long Max = N + M;
  std::vector<long> V(2 * Max + 3, 0);
  auto At = [&](long K) -> long & { return V[K + Max + 1]; };
  // Trace[D] holds V[-D..D] as it was before step D.
  std::vector<std::vector<long>> Trace;
  long Found = -1;
  for (long D = 0; D <= Max && D <= MaxEditSteps && Found < 0; ++D) {
    Trace.emplace_back(V.begin() + (Max + 1 - D), V.begin() + (Max + 2 + D));
    for (long K = -D; K <= D; K += 2) {
      long X = (K == -D || (K != D && At(K - 1) < At(K + 1))) ? At(K + 1)
                                                               : At(K - 1) + 1;
      long Y = X - K;
      while (X < N && Y < M && Eq(X, Y))
        ++X, ++Y;
      At(K) = X;
      if (X >= N && Y >= M) {
        Found = D;
        break;
      }
    }
  }
  if (Found < 0) {
    Middle.assign(static_cast<size_t>(M), Op::Insert);
    Middle.insert(Middle.end(), static_cast<size_t>(N), Op::Delete);
  } else {
    long X = N, Y = M;
    for (long D = Found; D > 0; --D) {
      const std::vector<long> &T = Trace[static_cast<size_t>(D)];
      auto Prev = [&](long K) { return T[static_cast<size_t>(K + D)]; };
      long K = X - Y;
      long PrevK =
          (K == -D || (K != D && Prev(K - 1) < Prev(K + 1))) ? K + 1 : K - 1;
      long PrevX = Prev(PrevK), PrevY = PrevX - PrevK;
      while (X > PrevX && Y > PrevY) {
        Middle.push_back(Op::Equal);
        --X, --Y;
      }
      Middle.push_back(X == PrevX ? Op::Insert : Op::Delete);
      X = PrevX;
      Y = PrevY;
    }
    while (X > 0 && Y > 0) {
      Middle.push_back(Op::Equal);
      --X, --Y;
    }
  }
  std::vector<Op> Ops(Prefix, Op::Equal);
  Ops.insert(Ops.end(), Middle.rbegin(), Middle.rend());
  Ops.insert(Ops.end(), Suffix, Op::Equal);
  return Ops;
}

/// `5` for one line, `4,0` for none (the line before), else `5,3`.
std::string range(size_t Start, size_t Count) {
  if (Count == 1)
    return std::to_string(Start + 1);
  return fmt::format("{},{}", Count == 0 ? Start : Start + 1, Count);
}

void appendLine(std::string &Out, char Mark, std::string_view Line) {
  Out += Mark;
  Out.append(Line.data(), Line.size());
  if (Line.empty() || Line.back() != '\n')
    Out += "\n\\ No newline at end of file\n";
}

} // namespace

std::string unifiedDiff(const std::string &Path, const std::string &Old,
                        const std::string &New, unsigned Context) {
  if (Old == New)
    return "";
  std::vector<std::string_view> A = splitLines(Old), B = splitLines(New);
  std::vector<Op> Ops = diffLines(A, B);

  std::string Out = fmt::format("--- {}\n+++ {}\n", Path, Path);
  size_t I = 0;
  const size_t C = Context;
  // Position in A and B of each op.
  std::vector<size_t> PosA(Ops.size() + 1), PosB(Ops.size() + 1);
  for (size_t K = 0; K < Ops.size(); ++K) {
    PosA[K + 1] = PosA[K] + (Ops[K] != Op::Insert);
    PosB[K + 1] = PosB[K] + (Ops[K] != Op::Delete);
  }
  while (I < Ops.size()) {
    while (I < Ops.size() && Ops[I] == Op::Equal)
      ++I;
    if (I == Ops.size())
      break;
    size_t Begin = I > C ? I - C : 0;
    // Extend while the next change is within 2·Context equal lines.
    size_t End = I;
    for (;;) {
      while (End < Ops.size() && Ops[End] != Op::Equal)
        ++End;
      size_t Next = End;
      while (Next < Ops.size() && Ops[Next] == Op::Equal)
        ++Next;
      if (Next < Ops.size() && Next - End <= 2 * C) {
        End = Next;
        continue;
      }
      End = std::min(Ops.size(), End + C);
      break;
    }
    size_t CountA = PosA[End] - PosA[Begin], CountB = PosB[End] - PosB[Begin];
    Out += fmt::format("@@ -{} +{} @@\n", range(PosA[Begin], CountA),
                       range(PosB[Begin], CountB));
    for (size_t K = Begin; K < End; ++K) {
      if (Ops[K] == Op::Insert)
        appendLine(Out, '+', B[PosB[K]]);
      else
        appendLine(Out, static_cast<char>(Ops[K]), A[PosA[K]]);
    }
    I = End;
  }
  return Out;
}

} // namespace paramlint
