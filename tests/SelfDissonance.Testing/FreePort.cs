using System.Net;
using System.Net.Sockets;

namespace SelfDissonance.Testing;

/// <summary>
/// Loopback ports for servers a test starts later (silo processes, Redis, Azurite). They come from below the kernel's
/// ephemeral range: a port the kernel handed out as "free" is also what it gives the next outgoing connection as its
/// local port, and a silo restarted on its ports, or started a second after they were picked, found one taken by a
/// client socket ("address already in use"). Ports below the range are only ever taken by a listener.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Count = 12000;
    private static readonly Lock Gate = new();

    // Test processes run side by side; each starts at its own random place and walks up, so two rarely probe the same port.
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A loopback TCP port, outside the ephemeral range, that nothing listens on at the time of the call.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < Count; attempt++)
            {
                var port = First + (_next++ % Count);
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{First + Count - 1}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
