//===- report/SvgRender.cpp - DOT to SVG with the Graphviz library --------===//
///
/// \file
/// The report's picture is laid out by libgvc in process. The `dot` layout
/// and the SVG renderer are linked in and registered as built-in plugins,
/// so no Graphviz plugin configuration file is needed at run time.
///
//===----------------------------------------------------------------------===//
#include "report/ConsistencyReport.h"

#include <graphviz/gvc.h>

#include <mutex>

extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace paramlint {

llvm::Expected<std::string> renderSvg(const std::string &Dot) {
  // Graphviz keeps global state: one layout at a time.
  static std::mutex Mutex;
  std::lock_guard<std::mutex> Lock(Mutex);
  static lt_symlist_t Builtins[] = {
      {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
      {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
      {nullptr, nullptr}};
  GVC_t *Context = gvContextPlugins(Builtins, 0);
  if (!Context)
    return llvm::createStringError(std::errc::not_supported,
                                   "graphviz: cannot create a context");
  Agraph_t *Graph = agmemread(Dot.c_str());
  if (!Graph) {
    gvFreeContext(Context);
    return llvm::createStringError(std::errc::invalid_argument,
                                   "graphviz: cannot read the graph");
  }
  std::string Svg;
  bool Ok = gvLayout(Context, Graph, "dot") == 0;
  if (Ok) {
    char *Data = nullptr;
    unsigned int Length = 0;
    Ok = gvRenderData(Context, Graph, "svg", &Data, &Length) == 0;
    if (Ok && Data)
      Svg.assign(Data, Length);
    gvFreeRenderData(Data);
    gvFreeLayout(Context, Graph);
  }
  agclose(Graph);
  gvFreeContext(Context);
  if (!Ok)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "graphviz: layout or SVG rendering failed");
  // Inline SVG needs neither the XML prolog nor the DOCTYPE (whose DTD URL
  // would be the page's only network reference).
  size_t Start = Svg.find("<svg");
  return Start == std::string::npos ? Svg : Svg.substr(Start);
}

} // namespace paramlint
