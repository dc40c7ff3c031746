/*
 * TODO: placeholders for the commands being written now (triage, pivot,
 * shared, path, neighbors, clusters, import, connector). Each is a weak
 * symbol, so the real command's file replaces it at link time; this file is
 * deleted once every command exists.
 */
#include "cli/cli.h"

static int pending(const char *name)
{
    cli_error("the '%s' command is not available in this build yet", name);
    return CG_EXIT_USAGE;
}

#define CG_PENDING_COMMAND(name)                                          \
    __attribute__((weak)) int cmd_##name(int argc, char **argv,           \
                                         const struct cli_global *global) \
    {                                                                     \
        (void)argc;                                                       \
        (void)argv;                                                       \
        (void)global;                                                     \
        return pending(#name);                                            \
    }

CG_PENDING_COMMAND(triage)
CG_PENDING_COMMAND(pivot)
CG_PENDING_COMMAND(shared)
CG_PENDING_COMMAND(path)
CG_PENDING_COMMAND(neighbors)
CG_PENDING_COMMAND(clusters)
CG_PENDING_COMMAND(import)
CG_PENDING_COMMAND(connector)
