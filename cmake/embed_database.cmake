# cmake -DINPUT=data/services -DOUTPUT=embedded_database.cpp -P embed_database.cmake
file(READ "${INPUT}" bytes HEX)
string(LENGTH "${bytes}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," array "${bytes}")
string(REGEX REPLACE "(('[^']*',){16})" "\\1\n" array "${array}")
file(WRITE "${OUTPUT}.tmp"
"// Generated from data/services at build time.\n#include \"services/source.hpp\"\n\n"
"namespace portent::services {\nnamespace {\nconstexpr char database[] = {\n${array}\n'\\0'};\n}\n\n"
"std::string_view embedded_database() { return {database, ${size}}; }\n\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
