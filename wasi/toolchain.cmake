# CMake toolchain for wasm32-wasi with Debian's clang-16 + wasi-libc.
# The sysroot (WASI_SYSROOT) is assembled by wasi/wasi.mk from
# /usr/include/wasm32-wasi and /usr/lib/wasm32-wasi, so that no host
# (glibc) header can leak in.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER clang-16)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_AR llvm-ar-16 CACHE FILEPATH "")
set(CMAKE_RANLIB llvm-ranlib-16 CACHE FILEPATH "")
if(NOT WASI_SYSROOT)
  get_filename_component(WASI_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../build/wasi/sysroot" ABSOLUTE)
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES WASI_SYSROOT)
set(CMAKE_SYSROOT ${WASI_SYSROOT})
set(CMAKE_C_FLAGS_INIT "-D_WASI_EMULATED_SIGNAL")
# Only static libraries are built with this file: no test links.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
