# The probe module's unit tests, added to portent_unit_tests by tests/CMakeLists.txt.
set(PORTENT_PROBE_UNIT_TESTS
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_duration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_dialogue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_daytime.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_time.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_echo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_http.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_banner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_targets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_starttls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_tls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_dns.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_ntp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_snmp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/test_probe_identify.cpp)
# test_probe_tls.cpp makes its certificates with OpenSSL.
find_package(OpenSSL REQUIRED)
set(PORTENT_PROBE_UNIT_TEST_LIBRARIES OpenSSL::SSL OpenSSL::Crypto)
