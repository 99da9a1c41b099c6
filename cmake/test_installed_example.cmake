# ctest `examples.testing.cpp`: installs this build into a temporary prefix, then configures,
# builds and runs examples/testing/cpp against the installed `hayloft` package, as a project
# outside the tree does. -DBINARY_DIR=<this build> -DSOURCE_DIR=<checkout> -DWORK=<scratch dir>
file(REMOVE_RECURSE ${WORK})
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
  endif()
  message(STATUS "${what}: ok")
endfunction()
run("cmake --install" ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK}/prefix)
run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/testing/cpp -B ${WORK}/build -G Ninja
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run("build the example" ${CMAKE_COMMAND} --build ${WORK}/build)
run("run the example's tests" ${CMAKE_CTEST_COMMAND} --test-dir ${WORK}/build --output-on-failure)
file(REMOVE_RECURSE ${WORK})
