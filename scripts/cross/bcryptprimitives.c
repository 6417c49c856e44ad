/* bcryptprimitives.dll for Wine 8, which lacks it.
 *
 * Rust's standard library (1.78 and later) gets its random bytes from ProcessPrng in
 * bcryptprimitives.dll, which Windows 10 and 11 have and Wine 8.0 (Debian 12) does not: every
 * Rust program exits at once with status 53 there. This DLL, placed next to the .exe for the Wine
 * suite only (never shipped), exports ProcessPrng over RtlGenRandom (SystemFunction036 in
 * advapi32), which Wine has. Built by `./dev cross`:
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a ULONG length: fill large requests in chunks. */
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
