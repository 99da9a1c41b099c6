# Project-wide compile options and helpers.
include(GNUInstallDirs)

# hayloft_usage: what code using a hayloft library needs (the include root, the definitions its
# headers depend on, C++20). Every library passes it on; it is exported with them
# (cmake/install.cmake).
add_library(hayloft_usage INTERFACE)
target_compile_features(hayloft_usage INTERFACE cxx_std_20)
target_include_directories(hayloft_usage INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_definitions(hayloft_usage INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW
  HAYLOFT_VERSION="${PROJECT_VERSION}")

# hayloft_options: how hayloft's own code is compiled (warnings as errors, sanitizers). Libraries
# take it PRIVATE, so neither an installed package's user nor a project that adds hayloft with
# add_subdirectory inherits -Werror; hayloft's tests, benchmarks and binaries link it directly.
add_library(hayloft_options INTERFACE)
target_link_libraries(hayloft_options INTERFACE hayloft_usage)
target_compile_options(hayloft_options INTERFACE
  $<BUILD_INTERFACE:-Wall -Wextra -Wpedantic -Wno-missing-field-initializers>)
if(HAYLOFT_WERROR)
  target_compile_options(hayloft_options INTERFACE $<BUILD_INTERFACE:-Werror>)
endif()
if(HAYLOFT_SANITIZE)
  target_compile_options(hayloft_options INTERFACE
    $<BUILD_INTERFACE:-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined>)
  target_link_options(hayloft_options INTERFACE -fsanitize=address,undefined)
endif()
if(HAYLOFT_FUZZ)
  # -fno-sanitize=function: clang 14's UBSan function check cannot compile C++20 coroutines
  # (llvm-project#49689, "Cannot represent a difference across sections"; fixed in clang 15),
  # and the HTTP edge is coroutines. The other UBSan checks stay on.
  target_compile_options(hayloft_options INTERFACE $<BUILD_INTERFACE:-fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize=function -fno-omit-frame-pointer -fno-sanitize-recover=undefined>)
  target_link_options(hayloft_options INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(hayloft_options INTERFACE $<BUILD_INTERFACE:FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION>)
endif()

# hayloft_library(NAME SOURCES ... DEPS ...): one static library per folder, in the exported
# package (the global property HAYLOFT_LIBRARIES lists them for cmake/install.cmake).
function(hayloft_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE hayloft_options PUBLIC hayloft_usage ${arg_DEPS})
  set_property(GLOBAL APPEND PROPERTY HAYLOFT_LIBRARIES ${name})
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
