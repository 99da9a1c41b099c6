# `cmake --install` exports the `hayloft` CMake package:
#
#   find_package(hayloft CONFIG REQUIRED)
#   target_link_libraries(my_tests PRIVATE hayloft::testing GTest::gtest)
#
# hayloft::testing (emulator/testing) links the whole stack, so every hayloft library is in the
# export set (static archives, as hayloft_library builds them) with the headers the kit's public
# headers include. hayloftConfig.cmake finds every third-party dependency of those libraries.
# The `hayloft` binary and the PDF plugin are installed too.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(hayloft_testing PROPERTIES EXPORT_NAME testing)
get_property(hayloft_libraries GLOBAL PROPERTY HAYLOFT_LIBRARIES)
install(TARGETS ${hayloft_libraries} hayloft_usage hayloft_options
  EXPORT hayloftTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS hayloft RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS hayloft_pdf LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/hayloft)

# The kit's public headers and everything they include (checked by the installed example, which
# compiles against nothing else).
set(hayloft_public_headers
  emulator/testing/stack.h
  emulator/testing/gtest.h
  emulator/http/aws_client.h
  emulator/http/client.h
  emulator/core/clock.h
  emulator/core/result.h)
foreach(header ${hayloft_public_headers})
  get_filename_component(dir ${header} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${header} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/${dir})
endforeach()

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/hayloft)
install(EXPORT hayloftTargets NAMESPACE hayloft:: DESTINATION ${config_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hayloftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hayloftConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hayloftConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hayloftConfig.cmake ${PROJECT_BINARY_DIR}/hayloftConfigVersion.cmake
  DESTINATION ${config_dir})
