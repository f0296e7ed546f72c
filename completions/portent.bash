# bash completion for portent                                   -*- shell-script -*-
# Thin on purpose: every candidate comes from `portent __complete WORD...` (ARCHITECTURE.md),
# so that bash, zsh and fish offer the same. Uses bash-completion's helpers where loaded.

_portent()
{
    local cur words cword
    if declare -F _init_completion >/dev/null; then
        local prev
        _init_completion -n =: || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
    fi
    local program=portent
    [[ ${words[0]} == */* ]] && program=${words[0]}

    local -a lines
    mapfile -t lines < <("$program" __complete "${words[@]:1:cword-1}" "$cur" 2>/dev/null)
    [[ ${lines[0]-} == :* ]] || return

    # bash replaces only the part of the word after its last '=' or ':' (COMP_WORDBREAKS).
    local trim=${cur%"${cur##*[=:]}"}
    [[ -n $trim && $COMP_WORDBREAKS == *"${trim: -1}"* ]] || trim=
    local line
    COMPREPLY=()
    for line in "${lines[@]:1}"; do
        line=${line%%$'\t'*}
        COMPREPLY+=("${line#"$trim"}")
    done

    if [[ ${lines[0]} == *files* ]]; then
        cur=${cur#"$trim"}
        if declare -F _filedir >/dev/null; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
        fi
    fi
}
complete -F _portent portent
