# fish completion for portent.
# Thin on purpose: every candidate comes from `portent __complete WORD...` (ARCHITECTURE.md),
# so that bash, zsh and fish offer the same; fish shows each one's description beside it.

function __portent_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l program portent
    string match -q -- '*/*' $tokens[1]; and set program $tokens[1]
    set -e tokens[1]
    set -l lines ($program __complete $tokens "$current" 2>/dev/null)
    string match -q -- ':*' $lines[1]; or return
    set -l directives $lines[1]
    set -e lines[1]
    printf '%s\n' $lines
    if string match -q -- '*files*' $directives
        if string match -q -r -- '^--[^=]*=' $current
            set -l option (string replace -r -- '=.*' '=' $current)
            __fish_complete_path (string replace -r -- '^[^=]*=' '' $current) | string replace -r -- '^' $option
        else
            __fish_complete_path $current
        end
    end
end

complete -c portent -f -a '(__portent_complete)'
