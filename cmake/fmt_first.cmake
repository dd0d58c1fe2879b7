# pip's torch ships fmt 12 headers in its include folder, which the compiler
# searches before /usr/include; Debian's spdlog is built against Debian's fmt,
# so <fmt/...> must resolve to that one. A folder holding only a link to the
# system fmt goes first on the include path. (LibTorch's public headers do not
# include fmt, so torch is unaffected.) Needs fmt::fmt (found with spdlog).
# (Debian's LibTorch installs into /usr/include itself: nothing to do there.)
foreach(_dir IN LISTS TORCH_INCLUDE_DIRS)
  if(EXISTS "${_dir}/fmt/format.h" AND NOT _dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    get_target_property(_fmt_dirs fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
    set(_fmt_dir "")
    foreach(_candidate IN LISTS _fmt_dirs CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
      if(EXISTS "${_candidate}/fmt/format.h" AND NOT _candidate STREQUAL _dir)
        set(_fmt_dir "${_candidate}")
        break()
      endif()
    endforeach()
    if(NOT _fmt_dir)
      message(FATAL_ERROR "recur: LibTorch at ${_dir} ships its own fmt headers, and the system fmt "
                          "(libfmt-dev, which spdlog uses) was not found to take precedence")
    endif()
    set(_first "${CMAKE_BINARY_DIR}/fmt-first")
    file(MAKE_DIRECTORY "${_first}")
    file(CREATE_LINK "${_fmt_dir}/fmt" "${_first}/fmt" SYMBOLIC)
    include_directories(BEFORE "${_first}")
    break()
  endif()
endforeach()
