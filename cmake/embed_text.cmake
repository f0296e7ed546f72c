# A text file compiled in as a byte array behind a function that returns it:
# cmake -DINPUT=data/services -DOUTPUT=embedded_database.cpp -DHEADER=services/source.hpp
#       -DNAMESPACE=portent::services -DFUNCTION=embedded_database -P embed_text.cmake
file(READ "${INPUT}" bytes HEX)
string(LENGTH "${bytes}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," array "${bytes}")
string(REGEX REPLACE "(('[^']*',){16})" "\\1\n" array "${array}")
file(RELATIVE_PATH name "${CMAKE_CURRENT_LIST_DIR}/.." "${INPUT}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${name} at build time.\n#include \"${HEADER}\"\n\n"
"namespace ${NAMESPACE} {\nnamespace {\nconstexpr char text[] = {\n${array}\n'\\0'};\n}\n\n"
"std::string_view ${FUNCTION}() { return {text, ${size}}; }\n\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
