# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_ai_global_optspecs
    string join \n y/yes dry-run explain json offline model= plan= save-plan= force show-secrets v/verbose q/quiet color= n/namespace= A/all-namespaces context= kubeconfig= cluster= user= as= request-timeout= h/help V/version
end

function __fish_kubectl_ai_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_ai_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_ai_using_subcommand
    set -l cmd (__fish_kubectl_ai_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l plan -d 'Run a saved plan instead of a sentence' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l save-plan -d 'Save the plan understood from the sentence to FILE (a new file; see --force)' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l force -d 'With --save-plan: replace FILE if it exists (written whole, then renamed into place)'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -l show-secrets -d 'Show Secret values in reads that print them (get secret -o yaml…); masked as *** otherwise. Never for a model\'s plan'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -a "diagnose" -d 'Find what is broken in a namespace (or the cluster with -A), why, and how to fix it'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -a "history" -d 'The runs that applied changes, newest first; `history N` shows one with its diffs'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -a "undo" -d 'Take a run back: restore what it changed, previewed and confirmed like any change'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -a "mcp" -d 'Serve the typed reads, diagnose and previewed changes to AI assistants over MCP (stdio)'
complete -c kubectl-ai -n "__fish_kubectl_ai_needs_command" -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l target -d 'Look at one object only, e.g. deployment/web' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l fix -d 'Offer fixes as plans (previewed and confirmed like any change)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand diagnose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l limit -d 'Show at most this many runs' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand undo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l http -d 'Serve MCP over streamable HTTP at ADDR (host:port, loopback unless --allow-remote) instead of stdio' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l allow-changes -d 'Offer the apply tool: the client\'s approval of that call is the consent'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l allow-remote -d 'With --http: allow an address that is not loopback (anyone who can reach it can call the tools)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l model -d 'The model to ask (any name your OpenAI-compatible server knows)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l color -d 'When to use color (NO_COLOR is honoured under auto)' -r -f -a "auto\t'Color when stdout is a terminal and NO_COLOR is unset'
always\t'Always color'
never\t'Never color'"
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s n -l namespace -d 'Namespace to work in (a plan may name its own)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file' -r -F
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l cluster -d 'The kubeconfig cluster to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l user -d 'The kubeconfig user to use' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l as -d 'Impersonate this user for every request' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l request-timeout -d 'kubectl\'s per-request timeout (e.g. 10s, 1m; 0 = none)' -r
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s y -l yes -d 'Apply without asking (scripts, CI). The preview is still shown'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l dry-run -d 'Preview the changes (server-side dry run), never apply'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l explain -d 'Print the plan and the equivalent kubectl commands; contact no cluster'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l json -d 'Write one JSON document on stdout instead of human output'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -l offline -d 'Never contact a model; use the built-in rules only'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s v -l verbose -d 'More logging on stderr (-v: debug, -vv: trace)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s q -l quiet -d 'Print only results and errors'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s A -l all-namespaces -d 'Look across all namespaces (for reads and diagnose)'
complete -c kubectl-ai -n "__fish_kubectl_ai_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
