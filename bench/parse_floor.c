/*
 * The floor under the CPU per value: parsing a response body, and nothing
 * else. Every value's body goes through cg_json_parse (jansson) before it
 * is mapped and stored, so no change to the mapping or the store can take
 * a value below this cost.
 *
 * Usage: parse_floor COUNT FILE...
 * Parses each FILE COUNT times with cg_json_parse, as the client does,
 * frees each tree, and prints the mean size of the files and the mean
 * CPU time (user and system) per parse. bench/cpu.sh also runs it under
 * callgrind for the instruction count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/json.h"

/* Reads path into a new buffer. Returns NULL on error. */
static char *read_file(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (!file)
        return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0 && (text = malloc((size_t)size + 1))) {
        *len = fread(text, 1, (size_t)size, file);
        if (*len != (size_t)size) {
            free(text);
            text = NULL;
        }
    }
    fclose(file);
    return text;
}

int main(int argc, char **argv)
{
    struct timespec start, end;
    struct cg_error err;
    double bytes = 0, us = 0;
    long count;

    if (argc < 3 || (count = strtol(argv[1], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: parse_floor COUNT FILE...\n");
        return 2;
    }
    for (int f = 2; f < argc; f++) {
        size_t len = 0;
        char *text = read_file(argv[f], &len);

        if (!text) {
            perror(argv[f]);
            return 2;
        }
        bytes += (double)len;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
        for (long i = 0; i < count; i++) {
            json_t *json = NULL;

            if (cg_json_parse(text, len, 0, &json, &err) != CG_OK) {
                fprintf(stderr, "%s: %s\n", argv[f], cg_error_text(&err));
                return 1;
            }
            json_decref(json);
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
        us += ((double)(end.tv_sec - start.tv_sec) * 1e9 +
               (double)(end.tv_nsec - start.tv_nsec)) /
              1e3;
        free(text);
    }
    printf("files %d\nbytes_mean %.0f\nus_per_parse %.1f\n", argc - 2,
           bytes / (argc - 2), us / (double)count / (argc - 2));
    return 0;
}
