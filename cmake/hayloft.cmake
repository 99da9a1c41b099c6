# Project-wide compile options and helpers.
add_library(hayloft_options INTERFACE)
target_compile_options(hayloft_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(HAYLOFT_WERROR)
  target_compile_options(hayloft_options INTERFACE -Werror)
endif()
target_include_directories(hayloft_options INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_definitions(hayloft_options INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW
  HAYLOFT_VERSION="${PROJECT_VERSION}")
if(HAYLOFT_SANITIZE)
  target_compile_options(hayloft_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(hayloft_options INTERFACE -fsanitize=address,undefined)
endif()
if(HAYLOFT_FUZZ)
  # -fno-sanitize=function: clang 14's UBSan function check cannot compile C++20 coroutines
  # (llvm-project#49689, "Cannot represent a difference across sections"; fixed in clang 15),
  # and the HTTP edge is coroutines. The other UBSan checks stay on.
  target_compile_options(hayloft_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize=function -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(hayloft_options INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(hayloft_options INTERFACE FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
endif()

# hayloft_library(NAME SOURCES ... DEPS ...): one static library per folder.
function(hayloft_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${arg_SOURCES})
  target_link_libraries(${name} PUBLIC hayloft_options ${arg_DEPS})
endfunction()

# hayloft_test(NAME SOURCES ... DEPS ... [LABELS ...]): a GoogleTest executable,
# each test case registered with CTest so `ctest -j` runs them in parallel.
function(hayloft_test name)
  cmake_parse_arguments(arg "SERIAL" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE hayloft_options ${arg_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT arg_LABELS)
    set(arg_LABELS unit)
  endif()
  # SERIAL: the test measures latency under its own load, so ctest runs it alone.
  set(serial "")
  if(arg_SERIAL)
    set(serial RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${arg_LABELS}" ${serial}
    ENVIRONMENT "HAYLOFT_SOURCE_DIR=${PROJECT_SOURCE_DIR};HAYLOFT_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
