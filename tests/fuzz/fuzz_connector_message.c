/*
 * libFuzzer target for the connector's listen-message parser and the
 * checks that read a parsed message (scope and TLP). Besides memory
 * safety, it checks the parser's contract: a message that parses has an
 * entity id, an entity that is an object or absent, stix_objects that is
 * an array or absent, and for a playbook step the entity found in the
 * bundle.
 */
#include "opencti/message.h"
#include "opencti/policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_connector_message: %s\n", what);
    abort();
}

static void check_parsed(const struct cg_octi_message *msg)
{
    enum cg_tlp tlp;
    bool unresolved;
    char name[64];
    struct cg_error err;

    if (!msg->entity_id)
        fail("parsed without an entity id");
    if (msg->stix_entity && !json_is_object(msg->stix_entity))
        fail("stix_entity is not an object");
    if (msg->stix_objects && !json_is_array(msg->stix_objects))
        fail("stix_objects is not an array");
    if (msg->playbook && (!msg->stix_entity || !msg->playbook_bundle))
        fail("a playbook step without its entity");
    cg_policy_entity_scope(msg->entity_type, msg->stix_entity, name,
                           sizeof(name));
    if (cg_policy_stix_tlp(msg->stix_entity, msg->stix_objects, &tlp,
                           &unresolved, &err) == CG_OK &&
        (tlp < CG_TLP_CLEAR || tlp > CG_TLP_RED))
        fail("TLP out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cg_octi_message msg;
    struct cg_error err;
    char work[128];
    enum cg_err rc;

    rc = cg_octi_message_parse((const char *)data, size, &msg, &err);
    if (rc == CG_OK)
        check_parsed(&msg);
    else if (err.msg[0] == '\0')
        fail("an error without a message");
    cg_octi_message_release(&msg);
    cg_octi_message_peek_work((const char *)data, size, work, sizeof(work));
    if (strlen(work) >= sizeof(work))
        fail("peeked work id overflows");
    return 0;
}
