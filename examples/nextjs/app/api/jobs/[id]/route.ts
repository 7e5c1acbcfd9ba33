// GET /api/jobs/imaginepro:…  →  the job as the webhook delivered it, or as the vendor reports it now.
import { MjGateError } from 'mjgate';
import { jobs, mj } from '../../../../lib/mjgate';

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  const delivered = jobs.get(id);
  if (delivered) return Response.json(delivered);
  try {
    return Response.json(await mj.get(id));
  } catch (error) {
    if (MjGateError.isInstance(error) && error.code === 'not_found') {
      return Response.json({ error: error.message }, { status: 404 });
    }
    throw error;
  }
}
