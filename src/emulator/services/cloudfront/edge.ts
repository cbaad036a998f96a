/**
 * The sandbox's edge simulation, for the lesson on CloudFront and Lambda@Edge. It is a model, not
 * a measurement: every request is answered on this machine, and the network times it reports are
 * computed from distances.
 *
 * - A request names where its viewer is with the header `X-Awslings-Viewer-Location`: an edge
 *   location code from the table below (`FRA`, `NRT`, `GRU`…) or coordinates `lat,lon`. Without
 *   the header the viewer is in Ashburn, Virginia (`IAD`), next to us-east-1.
 * - The viewer is served by the nearest edge location of the table (great-circle distance).
 * - Network round trips take 2 × distance / (200 km per ms, light in fibre) × 1.6 (routes are not
 *   great circles) + 4 ms (switching and handshakes per round trip); the viewer's own "last mile" to
 *   its edge location adds 10 ms.
 * - A cache hit costs the viewer ↔ edge round trip; a miss adds the edge ↔ origin round trip (the
 *   origin's region, or us-east-1 for custom origins the sandbox cannot place). The same request
 *   without CloudFront would cost the viewer ↔ origin round trip (reported too, for comparison).
 * - Responses report `X-Amz-Cf-Pop` (as AWS), `X-Awslings-Edge-Location`, `X-Awslings-Simulated-Ms`
 *   (what the viewer would have waited for the network), `X-Awslings-Simulated-Origin-Ms` (its
 *   edge ↔ origin part) and `X-Awslings-Simulated-Direct-Ms` (straight to the origin, no CloudFront).
 * - The time is only reported, unless a request sends `X-Awslings-Simulate-Delay: true` (or the
 *   emulator runs with `services.cloudfront.simulateDelay: true`): then the response really waits.
 */

export interface Place {
  code: string;
  city: string;
  country: string;
  lat: number;
  lon: number;
}

/** A few of CloudFront's real edge locations (by their airport codes, as X-Amz-Cf-Pop names them). */
export const EDGE_LOCATIONS: Place[] = [
  { code: 'IAD', city: 'Ashburn', country: 'US', lat: 39.04, lon: -77.49 },
  { code: 'ORD', city: 'Chicago', country: 'US', lat: 41.98, lon: -87.9 },
  { code: 'DFW', city: 'Dallas', country: 'US', lat: 32.9, lon: -97.04 },
  { code: 'SFO', city: 'San Francisco', country: 'US', lat: 37.62, lon: -122.38 },
  { code: 'SEA', city: 'Seattle', country: 'US', lat: 47.45, lon: -122.31 },
  { code: 'YUL', city: 'Montreal', country: 'CA', lat: 45.47, lon: -73.74 },
  { code: 'GRU', city: 'São Paulo', country: 'BR', lat: -23.43, lon: -46.47 },
  { code: 'LHR', city: 'London', country: 'GB', lat: 51.47, lon: -0.45 },
  { code: 'DUB', city: 'Dublin', country: 'IE', lat: 53.42, lon: -6.27 },
  { code: 'CDG', city: 'Paris', country: 'FR', lat: 49.01, lon: 2.55 },
  { code: 'FRA', city: 'Frankfurt', country: 'DE', lat: 50.03, lon: 8.57 },
  { code: 'ARN', city: 'Stockholm', country: 'SE', lat: 59.65, lon: 17.92 },
  { code: 'MXP', city: 'Milan', country: 'IT', lat: 45.63, lon: 8.72 },
  { code: 'MAD', city: 'Madrid', country: 'ES', lat: 40.47, lon: -3.56 },
  { code: 'JNB', city: 'Johannesburg', country: 'ZA', lat: -26.14, lon: 28.25 },
  { code: 'DXB', city: 'Dubai', country: 'AE', lat: 25.25, lon: 55.36 },
  { code: 'BOM', city: 'Mumbai', country: 'IN', lat: 19.09, lon: 72.87 },
  { code: 'SIN', city: 'Singapore', country: 'SG', lat: 1.36, lon: 103.99 },
  { code: 'HKG', city: 'Hong Kong', country: 'HK', lat: 22.31, lon: 113.91 },
  { code: 'NRT', city: 'Tokyo', country: 'JP', lat: 35.77, lon: 140.39 },
  { code: 'ICN', city: 'Seoul', country: 'KR', lat: 37.46, lon: 126.44 },
  { code: 'SYD', city: 'Sydney', country: 'AU', lat: -33.95, lon: 151.18 },
];

/** Where AWS regions are (their metropolitan areas), for the edge ↔ origin leg. */
export const REGION_LOCATIONS: Record<string, { lat: number; lon: number }> = {
  'us-east-1': { lat: 38.9, lon: -77.4 },
  'us-east-2': { lat: 40.0, lon: -83.0 },
  'us-west-1': { lat: 37.4, lon: -121.9 },
  'us-west-2': { lat: 45.8, lon: -119.7 },
  'ca-central-1': { lat: 45.5, lon: -73.6 },
  'sa-east-1': { lat: -23.5, lon: -46.6 },
  'eu-west-1': { lat: 53.3, lon: -6.3 },
  'eu-west-2': { lat: 51.5, lon: -0.1 },
  'eu-west-3': { lat: 48.9, lon: 2.35 },
  'eu-central-1': { lat: 50.1, lon: 8.7 },
  'eu-north-1': { lat: 59.3, lon: 18.1 },
  'eu-south-1': { lat: 45.5, lon: 9.2 },
  'af-south-1': { lat: -33.9, lon: 18.4 },
  'me-south-1': { lat: 26.1, lon: 50.6 },
  'ap-south-1': { lat: 19.1, lon: 72.9 },
  'ap-southeast-1': { lat: 1.35, lon: 103.8 },
  'ap-southeast-2': { lat: -33.9, lon: 151.2 },
  'ap-northeast-1': { lat: 35.7, lon: 139.7 },
  'ap-northeast-2': { lat: 37.6, lon: 127.0 },
  'ap-east-1': { lat: 22.3, lon: 114.2 },
};

export const VIEWER_LOCATION_HEADER = 'x-awslings-viewer-location';
export const SIMULATE_DELAY_HEADER = 'x-awslings-simulate-delay';
export const DEFAULT_VIEWER = 'IAD';

const FIBRE_KM_PER_MS = 200;
const ROUTE_FACTOR = 1.6;
const PER_ROUND_TRIP_MS = 4;
const LAST_MILE_MS = 10;

export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export const roundTripMs = (km: number): number => (2 * km * ROUTE_FACTOR) / FIBRE_KM_PER_MS + PER_ROUND_TRIP_MS;

export interface Viewer {
  /** Where the viewer is. */
  at: { lat: number; lon: number };
  /** The edge location that serves it. */
  edge: Place;
  /** The header's value was not understood: the default was used. */
  fallback: boolean;
}

/** The viewer a request describes (its header, or the default) and its nearest edge location. */
export function viewerOf(headerValue: string | undefined): Viewer {
  const raw = (headerValue ?? '').trim();
  const byCode = EDGE_LOCATIONS.find((p) => p.code === raw.toUpperCase());
  if (byCode) return { at: byCode, edge: byCode, fallback: false };
  const m = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(raw);
  if (m && Math.abs(Number(m[1])) <= 90 && Math.abs(Number(m[2])) <= 180) {
    const at = { lat: Number(m[1]), lon: Number(m[2]) };
    const edge = EDGE_LOCATIONS.reduce((best, p) => (distanceKm(at, p) < distanceKm(at, best) ? p : best));
    return { at, edge, fallback: false };
  }
  const def = EDGE_LOCATIONS.find((p) => p.code === DEFAULT_VIEWER)!;
  return { at: def, edge: def, fallback: raw !== '' };
}

export interface Simulation {
  edge: Place;
  viewerToEdgeMs: number;
  edgeToOriginMs: number;
  directMs: number;
  totalMs: number;
}

/** The simulated network time of one request: from the edge on a hit, through to the origin on a miss. */
export function simulate(viewer: Viewer, originRegion: string, hit: boolean): Simulation {
  const origin = REGION_LOCATIONS[originRegion] ?? REGION_LOCATIONS['us-east-1'];
  const viewerToEdgeMs = roundTripMs(distanceKm(viewer.at, viewer.edge)) + LAST_MILE_MS;
  const edgeToOriginMs = hit ? 0 : roundTripMs(distanceKm(viewer.edge, origin));
  const directMs = roundTripMs(distanceKm(viewer.at, origin)) + LAST_MILE_MS;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { edge: viewer.edge, viewerToEdgeMs: r(viewerToEdgeMs), edgeToOriginMs: r(edgeToOriginMs), directMs: r(directMs), totalMs: r(viewerToEdgeMs + edgeToOriginMs) };
}
