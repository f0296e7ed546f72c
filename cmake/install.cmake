# Installation: the program, its completion scripts where each shell looks, the man page, and
# the libraries with their headers as a CMake package (find_package(portent), portent::util,
# portent::services, portent::probe, portent::local, portent::cli), after fmt's CMakeLists.txt and
# support/cmake/fmt-config.cmake.in. `cpack -G DEB` packs the same files.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# A shell's completion folder: what its pkg-config file says when that lies under the install
# prefix, otherwise `fallback` under the prefix's data folder.
function(portent_completion_dir variable package pc_variable fallback)
  set(dir "${CMAKE_INSTALL_DATADIR}/${fallback}")
  find_program(PORTENT_PKG_CONFIG pkg-config)
  if(PORTENT_PKG_CONFIG)
    execute_process(COMMAND ${PORTENT_PKG_CONFIG} --variable=${pc_variable} ${package}
                    OUTPUT_VARIABLE found OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    cmake_path(IS_PREFIX CMAKE_INSTALL_PREFIX "${found}" NORMALIZE under_prefix)
    if(found AND under_prefix)
      set(dir "${found}")
    endif()
  endif()
  set(${variable} "${dir}" CACHE PATH "Where ${package} completion scripts are installed")
endfunction()

portent_completion_dir(PORTENT_BASH_COMPLETION_DIR bash-completion completionsdir bash-completion/completions)
portent_completion_dir(PORTENT_FISH_COMPLETION_DIR fish completionsdir fish/vendor_completions.d)
# zsh has no pkg-config file. Debian's zsh searches vendor-completions under /usr and
# site-functions under /usr/local; empty: chosen by the prefix at install time (cpack installs
# under /usr what was configured for /usr/local).
set(PORTENT_ZSH_COMPLETION_DIR "" CACHE PATH "Where the zsh completion function is installed (empty: by prefix)")

install(TARGETS portent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES completions/portent.bash DESTINATION ${PORTENT_BASH_COMPLETION_DIR} RENAME portent)
if(PORTENT_ZSH_COMPLETION_DIR)
  install(FILES completions/_portent DESTINATION ${PORTENT_ZSH_COMPLETION_DIR})
else()
  install(CODE "
    set(zsh_dir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/site-functions\")
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      set(zsh_dir \"/usr/${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions\")
    endif()
    file(INSTALL \"${PROJECT_SOURCE_DIR}/completions/_portent\" DESTINATION \"\${zsh_dir}\")")
endif()
install(FILES completions/portent.fish DESTINATION ${PORTENT_FISH_COMPLETION_DIR})
install(FILES man/portent.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The libraries and their public headers, included as "services/table.hpp" and the like.
set(portent_libraries portent_util portent_services portent_probe portent_local portent_cli portent_warnings)
foreach(library util services probe local cli warnings)
  set_target_properties(portent_${library} PROPERTIES EXPORT_NAME ${library})
  if(NOT library STREQUAL "warnings")
    target_include_directories(portent_${library} PUBLIC $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/portent>)
  endif()
endforeach()
install(TARGETS ${portent_libraries} EXPORT portent-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY src/util src/services src/probe src/local src/cli DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/portent
        FILES_MATCHING PATTERN "*.hpp")
set(portent_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/portent)
install(EXPORT portent-targets NAMESPACE portent:: DESTINATION ${portent_cmake_dir})
configure_package_config_file(cmake/portent-config.cmake.in ${PROJECT_BINARY_DIR}/portent-config.cmake
                              INSTALL_DESTINATION ${portent_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/portent-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/portent-config.cmake ${PROJECT_BINARY_DIR}/portent-config-version.cmake
        DESTINATION ${portent_cmake_dir})

# cpack -G DEB: one package with all of the above. The program is static by default (no
# run-time dependencies); dpkg-shlibdeps finds those of a dynamic build.
set(CPACK_PACKAGE_NAME portent)
set(CPACK_PACKAGE_VENDOR portent)
set(CPACK_PACKAGE_CONTACT "portent maintainers <portent@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/portent")
set(CPACK_STRIP_FILES bin/portent)
include(CPack)
