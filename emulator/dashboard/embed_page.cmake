# cmake -DINPUT=ui.html -DOUTPUT=ui_page.cc -P embed_page.cmake
# Turns the dashboard page into a C++ raw string so the binary serves it with no files beside it.
file(READ "${INPUT}" page)
string(FIND "${page}" ")hayloft_ui\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )hayloft_ui\"")
endif()
file(WRITE "${OUTPUT}"
  "// Generated from emulator/dashboard/ui.html by embed_page.cmake; edit the .html.\n"
  "#include \"emulator/dashboard/dashboard.h\"\n\n"
  "namespace hayloft::dashboard {\n"
  "namespace {\n"
  "constexpr char page[] = R\"hayloft_ui(${page})hayloft_ui\";\n"
  "}  // namespace\n"
  "std::string_view ui_page() { return {page, sizeof(page) - 1}; }\n"
  "}  // namespace hayloft::dashboard\n")
