// Shell completion for zfleet, generated from the command line grammar itself
// (command_line.cc), so it never disagrees with the commands and flags that exist. Pure.
//
// Completes commands, each command's flags and the global ones, and values by their type
// name: FILE → files; HOST/POOL → the controller's pools and HOST → its hosts (asked with the
// --controller and --tls-* flags already typed: `zfleet pools`, `zfleet hosts`); a|b|c → those
// words. The packages install the bash script as /usr/share/bash-completion/completions/zfleet
// and the zsh one as /usr/share/zsh/vendor-completions/_zfleet.
#ifndef ZFLEET_CLI_COMPLETION_H_
#define ZFLEET_CLI_COMPLETION_H_

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace zfleet::cli {

// A bash script defining _zfleet and registering it with `complete -F _zfleet zfleet`.
std::string BashCompletion(const CLI::App& app);
// A zsh completion file (#compdef zfleet) running the bash script through bashcompinit.
std::string ZshCompletion(const CLI::App& app);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMPLETION_H_
