{{ stg_tiktok_videos('tiktok__videos') }}
